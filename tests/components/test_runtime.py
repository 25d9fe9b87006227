"""components/render/runtime.py: a rerun's messages reach Streamlit's event loop in batches, all of them, in order."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from streamlit.runtime.app_session import AppSession

from components.render import runtime


def in_a_thread_of_its_own(test: Any) -> Any:
    """Run ``test`` in a new thread: Playwright's sync API leaves an event loop running in the main
    thread when the browser tests ran first, and a second loop cannot run there."""

    def run(*args: Any, **kwargs: Any) -> None:
        failure: list[BaseException] = []

        def body() -> None:
            try:
                test(*args, **kwargs)
            except BaseException as error:  # re-raised in the test's own thread
                failure.append(error)

        thread = threading.Thread(target=body)
        thread.start()
        thread.join()
        if failure:
            raise failure[0]

    run.__name__ = test.__name__
    run.__doc__ = test.__doc__
    return run


class CountingLoop:
    """An event loop's ``call_soon_threadsafe`` that counts the calls (each is a write to its wake-up pipe)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.calls = 0

    def call_soon_threadsafe(self, callback: Any, *args: Any) -> Any:
        self.calls += 1
        return self.loop.call_soon_threadsafe(callback, *args)

    def is_closed(self) -> bool:
        return self.loop.is_closed()

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        self.loop.call_exception_handler(context)


class Queue:
    def __init__(self) -> None:
        self.messages: list[int] = []

    def enqueue(self, msg: int) -> None:
        self.messages.append(msg)


class FakeSession:
    """The parts of an AppSession the patch uses."""

    def __init__(self, loop: CountingLoop) -> None:
        self._event_loop = loop
        self._browser_queue = Queue()
        self.wakeups = 0
        self._message_enqueued_callback = self._wake

    def _wake(self) -> None:
        self.wakeups += 1


def test_the_patch_applies_to_the_pinned_streamlit() -> None:
    assert runtime.coalesce_send_wakeups() is True
    assert AppSession._call_soon_on_event_loop is runtime._batched_call_soon
    assert AppSession._enqueue_forward_msg is runtime._enqueue_with_one_wakeup
    assert runtime.coalesce_send_wakeups() is True  # once per process: a second call changes nothing


@in_a_thread_of_its_own
def test_every_callback_runs_once_in_order_with_few_wakeups() -> None:
    loop = asyncio.new_event_loop()
    counting = CountingLoop(loop)
    session = FakeSession(counting)
    ran: list[int] = []

    def script_thread() -> None:  # a rerun: 500 messages, each handed to the loop
        for k in range(500):
            runtime._batched_call_soon(
                session, lambda k=k: runtime._enqueue_with_one_wakeup(session, k) or ran.append(k)
            )

    thread = threading.Thread(target=script_thread)
    thread.start()
    try:
        while thread.is_alive() or len(ran) < 500:
            loop.run_until_complete(asyncio.sleep(0.001))
    finally:
        thread.join()
    loop.run_until_complete(asyncio.sleep(0.01))
    loop.close()
    assert ran == list(range(500))
    assert session._browser_queue.messages == list(range(500))
    # Streamlit's own way: 500 crossings to the loop and 500 wake-ups of the sender
    assert 1 <= counting.calls < 500
    assert 1 <= session.wakeups < 500


@in_a_thread_of_its_own
def test_a_failing_callback_does_not_stop_the_others() -> None:
    loop = asyncio.new_event_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    session = FakeSession(CountingLoop(loop))
    ran: list[int] = []

    def fail() -> None:
        raise ValueError("boom")

    runtime._batched_call_soon(session, lambda: ran.append(1))
    runtime._batched_call_soon(session, fail)
    runtime._batched_call_soon(session, lambda: ran.append(3))
    loop.run_until_complete(asyncio.sleep(0.01))
    loop.close()
    assert ran == [1, 3]
    assert [type(c["exception"]) for c in reported] == [ValueError]


@in_a_thread_of_its_own
def test_after_the_loop_closed_callbacks_are_dropped_as_streamlit_does() -> None:
    loop = asyncio.new_event_loop()
    session = FakeSession(CountingLoop(loop))
    loop.close()
    runtime._batched_call_soon(session, lambda: None)  # no RuntimeError
    runtime._batched_call_soon(session, lambda: None)
    assert session.__dict__["_softmax_batch"].callbacks == []
