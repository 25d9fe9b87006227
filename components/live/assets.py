"""The live components' files, served by Streamlit itself: nothing from a CDN, works offline.

Two folders are served over HTTP by the running Streamlit server, each under
``<base>/component/<name>/<file>``:

* ``frontend/`` beside this file (``live.js``, ``softmax.js``, ``live.css``), and
* Plotly.js as the ``plotly`` package ships it (``plotly/package_data/plotly.min.js``),
  so the browser draws with the very Plotly.js that ``requirements.txt`` installs.

How: ``st.components.v1.declare_component(name, path=folder)`` registers a folder whose
files Streamlit's server answers at ``/component/<module>.<name>/<file>`` (the route
custom components v1 load their iframes from). The folder is only served; no v1
component is ever drawn. Components v2 can serve files themselves only for components
declared in an *installed* package's ``pyproject.toml`` (``asset_dir``), which this app
is not, and an inline v2 ``js`` string travels in every rerun's message: the 4.8 MB of
Plotly.js cannot, and our own module should not (bytes per step).

The v2 component's inline JavaScript is therefore a few hundred bytes that import
``live.js`` by URL, resolved against the address the page loaded Streamlit's own
frontend from (so a ``server.baseUrlPath`` or a hosting prefix such as Community
Cloud's is kept).
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from pathlib import Path

import plotly
import streamlit.components.v1 as components_v1
from streamlit import runtime

FRONTEND = Path(__file__).resolve().parent / "frontend"
PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_FILE = "plotly.min.js"

_FILES_NAME = "files"
_PLOTLY_NAME = "plotlyjs"


#: The runtimes' component registries the folders are registered with, and the paths (a registry is
#: the runtime's: one per server process, one per AppTest).
_DECLARED: weakref.WeakKeyDictionary[object, tuple[str, str]] = weakref.WeakKeyDictionary()


def declare() -> tuple[str, str]:
    """Register both folders with this run's server; returns their URL paths (relative to the app's base).

    Idempotent; called on every mount because registration needs a script run and each
    runtime (each AppTest too) has its own registry. Once per registry: registering looks
    at the caller's frame and the folder on disk, 0.2 ms a time, four times a rerun.
    """
    registry = runtime.get_instance().component_registry if runtime.exists() else None
    if registry is not None and (known := _DECLARED.get(registry)) is not None:
        return known
    files = components_v1.declare_component(_FILES_NAME, path=str(FRONTEND))
    plotly_js = components_v1.declare_component(_PLOTLY_NAME, path=str(PLOTLY_DIR))
    # The version names the file in the browser's Cache Storage (frontend/live.js, loadPlotly).
    paths = f"component/{files.name}/", f"component/{plotly_js.name}/{PLOTLY_FILE}?v={_plotly_js_version()}"
    if registry is not None and runtime.get_instance().component_registry.get_component_path(files.name):
        _DECLARED[registry] = paths  # registered (outside a script run nothing is)
    return paths


@functools.cache
def _plotly_js_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return str(get_plotlyjs_version())


@functools.cache
def _version() -> str:
    """A hash of the frontend files: a new version is a new module URL in an open page."""
    digest = hashlib.sha256()
    for path in sorted(FRONTEND.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def stub_js() -> str:
    """The inline module Streamlit runs for each instance: it imports ``live.js`` from the server.

    The base is where the page loaded Streamlit's own ``static/js/index.*.js`` from (what a
    hosting prefix maps), else the page's own folder.
    """
    files, plotly_js = declare()
    return (
        "const base = () => { const s = document.querySelector('script[src*=\"/static/js/index.\"]');"
        " return s ? new URL('../../', s.src).href : new URL('./', location.href).href; };\n"
        f"const files = {json.dumps(files)}, plotly = {json.dumps(plotly_js)}, v = {json.dumps(_version())};\n"
        "export default (args) => import(new URL(files + 'live.js?v=' + v, base()).href).then((m) =>\n"
        "  m.default(args, { base: new URL(files, base()).href, plotly: new URL(plotly, base()).href }));\n"
    )
