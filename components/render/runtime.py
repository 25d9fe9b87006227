"""Process-wide tuning, done once per server process (never per visitor)."""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_frozen = False


def freeze_imported_objects() -> None:
    """Move everything allocated so far (the imported libraries) out of the garbage collector's sight.

    Streamlit runs a full ``gc.collect(2)`` after every script run. With Plotly, pandas and
    Streamlit loaded that walks over 100,000 long-lived objects: about 60 ms a run, which
    ``bench/load.py`` found was 80 % of the server's time under load. Frozen once, after the
    imports, the same collection takes microseconds, and it still frees every run's garbage.
    """
    global _frozen
    with _lock:
        if not _frozen:
            gc.collect()
            gc.freeze()
            _frozen = True
