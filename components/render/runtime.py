"""Process-wide tuning, done once per server process (never per visitor)."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable
from typing import Any

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


def coalesce_send_wakeups() -> bool:
    """Hand a rerun's messages to Streamlit's event loop in batches, not one by one. True if applied.

    Each element a rerun draws becomes a message that crosses from the script's thread to the
    server's event loop twice, and each crossing is a ``call_soon_threadsafe``: a write to the
    loop's wake-up pipe and a callback of its own.

    1. ``AppSession._call_soon_on_event_loop``: the script thread hands each event (a message to
       send, the run's start and end) to the loop;
    2. ``AppSession._enqueue_forward_msg``: on the loop, each message put on the session's queue
       wakes the sending loop (``Runtime._enqueued_some_message``).

    Explore sends about 50 messages a rerun; under load the first crossing alone was a fifth of the
    script thread's time (``bench/rerun_cost.py --py-spy``). Here each session keeps its own list
    of callbacks: the first one queued asks the loop once, and the loop runs every callback that has
    arrived by then, in the order they came (no event is dropped or reordered: they are this
    session's, run by the loop as before). Likewise one wake-up of the sending loop is asked for
    at a time; it sends every message queued before it runs (``Runtime._loop_coroutine`` flushes
    the whole queue), and a message queued after it asks again.

    Streamlit is pinned (``requirements.txt``); if its ``AppSession`` no longer has the parts this
    relies on, nothing is changed and Streamlit's own way stays.
    """
    from streamlit.runtime.app_session import AppSession

    with _lock:
        if getattr(AppSession, "_softmax_coalesced", False):
            return True
        call_soon = getattr(AppSession, "_call_soon_on_event_loop", None)
        enqueue = getattr(AppSession, "_enqueue_forward_msg", None)
        if call_soon is None or enqueue is None:
            return False
        if not {"_event_loop", "call_soon_threadsafe"} <= set(call_soon.__code__.co_names):
            return False
        if not {"_browser_queue", "enqueue", "_message_enqueued_callback"} <= set(enqueue.__code__.co_names):
            return False
        AppSession._call_soon_on_event_loop = _batched_call_soon  # type: ignore[method-assign]
        AppSession._enqueue_forward_msg = _enqueue_with_one_wakeup  # type: ignore[method-assign]
        AppSession._softmax_coalesced = True  # type: ignore[attr-defined]
        return True


class _Batch:
    """One session's callbacks waiting for the event loop, and whether the loop has been asked."""

    __slots__ = ("asked", "callbacks", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.callbacks: list[Callable[[], None]] = []
        self.asked = False


_batches_lock = threading.Lock()


def _batch_of(session: Any) -> _Batch:
    batch: _Batch | None = session.__dict__.get("_softmax_batch")
    if batch is None:
        with _batches_lock:
            batch = session.__dict__.setdefault("_softmax_batch", _Batch())
    return batch


def _batched_call_soon(self: Any, callback: Callable[[], None]) -> None:
    batch = _batch_of(self)
    with batch.lock:
        batch.callbacks.append(callback)
        if batch.asked:
            return  # the loop has been asked and runs this one too
        batch.asked = True
    loop = self._event_loop
    try:
        loop.call_soon_threadsafe(_run_batch, loop, batch)
    except RuntimeError:  # as Streamlit: events after the loop closed (shutdown) are dropped
        if not loop.is_closed():
            raise
        with batch.lock:
            batch.callbacks.clear()
            batch.asked = False


def _run_batch(loop: asyncio.AbstractEventLoop, batch: _Batch) -> None:
    while True:
        with batch.lock:
            callbacks, batch.callbacks = batch.callbacks, []
            if not callbacks:
                batch.asked = False
                return
        for callback in callbacks:
            try:
                callback()
            except Exception as error:  # as the loop does for a callback of its own: report, go on
                loop.call_exception_handler({"message": "Exception in a session callback", "exception": error})


def _enqueue_with_one_wakeup(self: Any, msg: Any) -> None:
    self._browser_queue.enqueue(msg)
    callback = self._message_enqueued_callback
    if callback is None:
        return
    loop = getattr(self, "_event_loop", None)
    if loop is None or loop.is_closed():
        callback()
        return
    if self.__dict__.get("_softmax_wake_pending"):
        return  # a wake-up is on its way: it sends this message too
    self._softmax_wake_pending = True

    def wake() -> None:
        self._softmax_wake_pending = False
        callback()

    loop.call_soon_threadsafe(wake)
