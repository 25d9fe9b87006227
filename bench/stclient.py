"""A visitor without a browser: the HTTP requests and the websocket protocol a browser speaks to Streamlit.

Shared by ``bench/load.py`` (one server), ``bench/replicas.py`` and ``tests/deploy`` (replicas
behind nginx). A :class:`Visitor` does what Chromium was seen doing with this app (Streamlit 1.67):

* opening the page: ``GET /?query`` (optionally the JavaScript, CSS and fonts it loads), then
  ``GET /_stcore/health`` and ``/_stcore/host-config``, then the websocket ``/_stcore/stream`` and a
  ``rerun_script`` BackMsg carrying the address bar's query string; the page is there when the
  server sends ``script_finished``;
* moving a slider: a ``rerun_script`` with the new value as a widget state; the browser writes the
  value into its address bar (``z1=2.5``), and so does the visitor;
* cookies: kept from every ``Set-Cookie`` and sent with every request and the websocket, as a
  browser does (nginx routes by one);
* losing the server: polling ``/_stcore/health`` with the browser's backoff until it answers, then a
  new websocket and a rerun with the page's query string (the browser sends that rerun, with the
  same query string, on the student's next interaction; sending it at once is the stricter test:
  the URL alone must bring the view back).

Each finished run leaves a fingerprint of what the page shows (every element except the inputs,
plus the share link), so a view can be compared before and after a reconnection.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import websockets
from streamlit import file_util
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT = 60.0
HTTP_TIMEOUT = 60.0
#: Elements a student reads (everything but the inputs): the fingerprint of a view.
INPUTS = frozenset(
    {
        "button", "button_group", "checkbox", "radio", "selectbox", "slider", "text_input", "download_button",
        "number_input", "multiselect", "text_area", "toggle", "color_picker", "date_input", "time_input",
    }
)  # fmt: skip
#: Chunks Chromium loads after the first run of this page (Streamlit 1.67, seen with Playwright):
#: matched by name in Streamlit's static folder, so the figures hold across versions.
LAZY_ASSETS = (
    "js/PlotlyChart.", "js/StreamlitSyntaxHighlighter.", "js/rehype-katex.", "js/Table.", "js/Slider.",
    "js/Radio.", "js/Checkbox.", "js/ButtonGroup.", "js/TextInput.", "js/DownloadButton.", "js/Quiver.",
    "media/KaTeX_Main-Regular.", "media/KaTeX_Math-Italic.", "media/MaterialSymbols-Rounded.",
)  # fmt: skip
#: The browser's wait between health checks while the server is away (seconds; the last repeats).
RECONNECT_BACKOFF = (0.1, 0.15, 0.2, 0.35, 0.7, 1.4, 2.9)


@dataclass
class Tally:
    """What a group of visitors saw."""

    runs: list[float] = field(default_factory=list)  # seconds from a move to its finished rerun
    first_pages: list[float] = field(default_factory=list)  # seconds from GET / to the first finished run
    recoveries: list[float] = field(default_factory=list)  # seconds from a lost connection to the view back
    errors: Counter[str] = field(default_factory=Counter)
    lost_views: int = 0  # reconnections that came back to a different view
    bytes_http: int = 0
    bytes_ws: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] += 1

    def merge(self, other: Tally) -> None:
        self.runs += other.runs
        self.first_pages += other.first_pages
        self.recoveries += other.recoveries
        self.errors.update(other.errors)
        self.lost_views += other.lost_views
        self.bytes_http += other.bytes_http
        self.bytes_ws += other.bytes_ws


class PageError(Exception):
    """The server answered, but not with a page (an exception on it, or a run that did not finish)."""


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    size: int
    body: bytes

    def header(self, name: str) -> str | None:
        return next(iter(self.all(name)), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


def static_assets(index_html: str) -> list[str]:
    """What a browser with an empty cache fetches for the page: the index's links, then the lazy chunks."""
    linked = [p for p in re.findall(r'(?:src|href)="\./([^"]+)"', index_html) if p.startswith("static/")]
    static = Path(file_util.get_static_dir()) / "static"
    lazy = [
        f"static/{path.relative_to(static).as_posix()}"
        for prefix in LAZY_ASSETS
        for path in sorted(static.glob(f"{prefix}*"))[:1]
    ]
    return list(dict.fromkeys(linked + lazy))


def with_param(query: str, key: str, value: str) -> str:
    """The query string with ``key`` set to ``value`` (replaced in place, or appended), as the browser writes it."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(k == key for k, _ in pairs):
        pairs = [(k, value if k == key else v) for k, v in pairs]
    else:
        pairs.append((key, value))
    return urlencode(pairs, quote_via=quote)


class Visitor:
    """One student's browser tab: cookies, the address bar's query string, one websocket."""

    def __init__(self, base_url: str, query: str = "", *, assets: bool = False, slider: str = "z1") -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.ws_url = f"ws://{self.host}:{self.port}/_stcore/stream"
        self.query = query
        self.assets = assets
        self.slider_label = slider
        self.cookies: dict[str, str] = {}
        self.upstreams: list[str] = []  # nginx's X-Upstream for each response and websocket, in order
        self.ws: websockets.ClientConnection | None = None
        self.slider_id: str | None = None
        self.view: str | None = None  # fingerprint of the page after the last finished run
        self.link: str | None = None  # the share box's link (its query: every setting that is not a default)
        self.tally = Tally()
        self.opened = False  # the first page has arrived, or opening it failed
        self.messages = 0  # ForwardMsgs received
        self.pending: float | None = None  # a move sent but not yet answered
        self.recovered_at: float | None = None  # time.monotonic() when a reconnection brought the view back

    # -- HTTP ---------------------------------------------------------------------------------------
    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _remember(self, headers: Iterable[tuple[str, str]]) -> None:
        for key, value in headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0].strip()
            elif key.lower() == "x-upstream":
                self.upstreams.append(value.split(",")[-1].strip())  # after a retry: the one that answered

    async def get(self, path: str, keep_body: bool = False) -> Response:
        """One GET on a new connection (``Connection: close``), with the cookies; the body is read to the end."""
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), HTTP_TIMEOUT)
        try:
            lines = [
                f"GET {path} HTTP/1.1",
                f"Host: {self.host}:{self.port}",
                "User-Agent: bench-stclient",
                "Accept-Encoding: gzip",
                "Connection: close",
            ]
            if self.cookies:
                lines.append(f"Cookie: {self._cookie_header()}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HTTP_TIMEOUT)
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            headers = [(k.strip(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines if h)]
            body = bytearray()
            size = len(head)
            while chunk := await asyncio.wait_for(reader.read(65536), HTTP_TIMEOUT):
                size += len(chunk)
                if keep_body:
                    body += chunk
        finally:
            writer.close()
        self._remember(headers)
        self.tally.bytes_http += size
        return Response(int(status_line.split()[1]), headers, size, bytes(body))

    async def _fetch_assets(self, paths: list[str], parallel: int = 6) -> None:
        """The page's static files, six connections at a time like a browser over HTTP/1.1."""
        queue = list(paths)

        async def worker() -> None:
            while queue:
                path = queue.pop()
                if (await self.get(f"/{path}")).status != 200:
                    self.tally.error(f"asset {path}: not 200")

        await asyncio.gather(*(worker() for _ in range(parallel)))

    # -- websocket ------------------------------------------------------------------------------------
    async def connect(self) -> None:
        headers = {"Cookie": self._cookie_header()} if self.cookies else {}
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=[websockets.Subprotocol("streamlit")],
            additional_headers=headers,
            max_size=None,
            open_timeout=HTTP_TIMEOUT,
            ping_interval=None,  # the browser does not ping either; nginx's timeouts are what counts
            compression=None,
        )
        self._remember(self.ws.response.headers.raw_items() if self.ws.response else [])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def _request(self, value: float | None) -> bytes:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        if value is not None and self.slider_id is not None:
            state = WidgetState(id=self.slider_id)
            state.double_array_value.data.append(value)
            msg.rerun_script.widget_states.widgets.append(state)
        return msg.SerializeToString()

    async def run(self, value: float | None = None) -> None:
        """Send a rerun (with a slider value, or none) and read until the run has finished."""
        assert self.ws is not None
        await self.ws.send(self._request(value))
        digest = hashlib.sha1()
        failed: str | None = None
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT)
            data = raw if isinstance(raw, bytes) else raw.encode()
            self.tally.bytes_ws += len(data)
            self.messages += 1
            msg = ForwardMsg.FromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    failed = "exception on the page"
                elif which == "slider" and element.slider.label == self.slider_label:
                    self.slider_id = element.slider.id
                elif which == "code" and element.code.code_text.startswith("http"):
                    self.link = element.code.code_text
                if which not in INPUTS:
                    digest.update(element.SerializeToString(deterministic=True))
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    failed = f"run ended: {ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}"
                break
        if failed:
            raise PageError(failed)
        self.view = digest.hexdigest()

    # -- what a student does ----------------------------------------------------------------------------
    async def open(self) -> float:
        """Open the page as a browser does; returns the seconds until the first run has finished."""
        start = time.perf_counter()
        index = await self.get(f"/?{self.query}" if self.query else "/", keep_body=self.assets)
        if index.status != 200:
            raise PageError(f"GET / answered {index.status}")
        if self.assets:
            await self._fetch_assets(static_assets(index.body.decode("utf-8", "replace")))
        for path in ("/_stcore/health", "/_stcore/host-config"):
            if (await self.get(path)).status != 200:
                raise PageError(f"GET {path} did not answer 200")
        await self.connect()
        await self.run()
        if self.slider_id is None:
            raise PageError(f"no slider {self.slider_label} on the page")
        elapsed = time.perf_counter() - start
        self.tally.first_pages.append(elapsed)
        return elapsed

    async def move(self, value: float) -> float:
        """Move the slider to ``value``: the address bar follows at once, then the rerun. Returns its seconds."""
        start = time.perf_counter()
        self.pending = value
        self.query = with_param(self.query, self.slider_label, f"{value:g}")
        await self.run(value)
        self.pending = None
        elapsed = time.perf_counter() - start
        self.tally.runs.append(elapsed)
        return elapsed

    async def reconnect(self, give_up: float) -> float:
        """The connection is gone: poll the server like the browser, reconnect, rerun the URL; seconds until back.

        The view came back if the page is the one last shown (same fingerprint) or, when a move was
        still unanswered, if its settings (the share link) are the last ones with that move applied.
        """
        start = time.perf_counter()
        view, link, pending = self.view, self.link, self.pending
        self.ws = None
        for attempt in range(1000):
            await asyncio.sleep(RECONNECT_BACKOFF[min(attempt, len(RECONNECT_BACKOFF) - 1)])
            try:
                if (await self.get("/_stcore/health")).status == 200 and (
                    await self.get("/_stcore/host-config")
                ).status == 200:
                    break
            except (OSError, TimeoutError, asyncio.IncompleteReadError):
                pass
            if time.perf_counter() - start > give_up:
                raise TimeoutError("no server came back")
        await self.connect()
        await self.run()
        self.pending = None
        elapsed = time.perf_counter() - start
        self.tally.recoveries.append(elapsed)
        self.recovered_at = time.monotonic()
        if pending is None:
            same = self.view == view
        else:
            same = settings(self.link) == {**settings(link), self.slider_label: f"{pending:g}"}
        if not same:
            self.tally.lost_views += 1
        return elapsed


def settings(link: str | None) -> dict[str, str]:
    """The settings in a share link: its query parameters."""
    return dict(parse_qsl(urlsplit(link).query, keep_blank_values=True)) if link else {}


@dataclass
class Schedule:
    """When students move: ``rate`` times a second each, for ``duration`` seconds once :meth:`start` is called."""

    rate: float
    duration: float
    go: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: float = 0.0

    def start(self) -> None:
        self.deadline = time.monotonic() + self.duration
        self.go.set()


async def student(visitor: Visitor, schedule: Schedule, rng: random.Random, *, reconnect: bool = False) -> None:
    """Open the page, wait for the schedule to start (every student's page is open), then move the slider.

    Moves are 0.7 to 1.3 times 1/rate apart, and each waits for its rerun (a student sees the charts
    before moving again). With ``reconnect``, a dropped connection is reopened like the browser does.
    Failures are counted in the visitor's tally, never raised.
    """
    tally = visitor.tally
    try:
        try:
            await visitor.open()
        finally:
            visitor.opened = True
        await schedule.go.wait()
        await asyncio.sleep(rng.uniform(0.0, 1.0 / schedule.rate))  # not in lockstep
        while time.monotonic() < schedule.deadline:
            try:
                await visitor.move(round(rng.uniform(-9.0, 9.0), 1) or 0.1)  # never the default, 0
            except websockets.ConnectionClosed:
                if not reconnect:
                    raise
                await visitor.reconnect(give_up=60.0)
            await asyncio.sleep(rng.uniform(0.7, 1.3) / schedule.rate)
    except PageError as failure:
        tally.error(str(failure))
    except TimeoutError:
        tally.error("timeout")
    except websockets.ConnectionClosed:
        tally.error("connection dropped")
    except websockets.InvalidStatus as refused:
        tally.error(f"websocket refused: {refused.response.status_code}")
    except (OSError, asyncio.IncompleteReadError, websockets.InvalidHandshake):
        tally.error("could not connect")
    finally:
        await visitor.close()


async def all_opened(visitors: list[Visitor], limit: float) -> None:
    """Wait until every visitor has opened its page (or failed to), at most ``limit`` seconds."""
    end = time.monotonic() + limit
    while not all(v.opened for v in visitors) and time.monotonic() < end:
        await asyncio.sleep(0.05)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
