"""The views of the page, one module each: the only code that lays out a page.

Each module ``components/views/<name>.py`` has ``render(explanation)``. Its name, as the tab
label and the `view` URL value, is declared in ``components.params.VIEW_NAMES``: a new view is
one module plus its name there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from components.params import VIEW_NAMES
from core.explanation import Explanation

Render = Callable[[Explanation], None]


def renderer(name: str) -> Render:
    """The ``render`` function of the view called ``name`` (module ``components.views.<name lower>``)."""
    module = importlib.import_module(f"{__name__}.{name.lower()}")
    render: Render = module.render
    return render


VIEWS: tuple[tuple[str, Render], ...] = tuple((name, renderer(name)) for name in VIEW_NAMES)
