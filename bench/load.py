"""Many students open the link at once: N concurrent sessions against one `streamlit run` server.

Each simulated student is a websocket client speaking Streamlit's own protocol (the
`streamlit.proto` BackMsg / ForwardMsg messages the browser exchanges), far lighter than
N browsers: it opens the page, then moves logit z1 about once a second (a rerun request
with the slider's new value) and times each rerun until the server reports it finished.
Reports, per N: reruns, errors (exceptions on the page, failed runs, timeouts, dropped
connections), median and p95 time to the finished rerun, and the server's memory at
the start, at the peak and after the sessions have closed.

Targets: 50 sessions with no errors and p95 under 1 s; memory back near its start.

    python bench/load.py [--sessions 10 25 50 100] [--duration 60] [--script app.py]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
RERUN_TIMEOUT = 30.0


@dataclass
class Stats:
    times: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rerun_request(query: str, slider_id: str | None, value: float | None) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    if slider_id is not None and value is not None:
        state = WidgetState(id=slider_id)
        state.double_array_value.data.append(value)
        msg.rerun_script.widget_states.widgets.append(state)
    return msg.SerializeToString()


async def until_finished(ws: websockets.ClientConnection, stats: Stats, find: str | None = None) -> str | None:
    """Read messages until the script run finishes; return the id of the slider labelled ``find``."""
    found = None
    while True:
        raw = await asyncio.wait_for(ws.recv(), RERUN_TIMEOUT)
        msg = ForwardMsg.FromString(raw if isinstance(raw, bytes) else raw.encode())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                stats.error("exception on the page")
            elif which == "slider" and find is not None and element.slider.label == find:
                found = element.slider.id
        elif kind == "script_finished":
            if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                stats.error(f"run ended: {ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}")
            return found


async def student(url: str, query: str, deadline: float, stats: Stats, rng: random.Random) -> None:
    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=30) as ws:
            await ws.send(rerun_request(query, None, None))
            slider = await until_finished(ws, stats, find="z1")
            if slider is None:
                stats.error("no slider z1 on the page")
                return
            while time.monotonic() < deadline:
                await asyncio.sleep(rng.uniform(0.7, 1.3))  # about once a second, not in lockstep
                start = time.perf_counter()
                await ws.send(rerun_request(query, slider, round(rng.uniform(-9.0, 9.0), 1)))
                await until_finished(ws, stats)
                stats.times.append(time.perf_counter() - start)
    except TimeoutError:
        stats.error("timeout")
    except websockets.ConnectionClosed:
        stats.error("connection dropped")
    except OSError:
        stats.error("could not connect")


def start_server(script: str, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_healthy(port: int) -> None:
    for _ in range(600):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /_stcore/health HTTP/1.0\r\n\r\n")
            await writer.drain()
            if b"200" in (await reader.read(100)):
                writer.close()
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of interaction per N")
    parser.add_argument("--script", default="app.py")
    parser.add_argument("--query", default="", help="query string every student opens, e.g. view=Learning")
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.script, port)
    try:
        await wait_healthy(port)
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        # One session first, so that imports and caches are warm before the baseline memory is read.
        await student(url, args.query, time.monotonic() + 3.0, Stats(), random.Random(0))
        await asyncio.sleep(2.0)
        print(
            f"{args.script} {args.query or '(default view)'}, {args.duration:g} s per N, one server on this machine\n"
        )
        print("| sessions | reruns | errors | median ms | p95 ms | memory start MB | peak MB | after close MB |")
        print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for n in args.sessions:
            start_mb = rss_mb(server.pid)
            peak = [start_mb]
            stats = Stats()
            deadline = time.monotonic() + args.duration

            async def watch_memory(until: float, peak: list[float] = peak) -> None:
                while time.monotonic() < until:
                    peak.append(rss_mb(server.pid))
                    await asyncio.sleep(0.5)

            tasks = [student(url, args.query, deadline, stats, random.Random(k)) for k in range(n)]
            await asyncio.gather(*tasks, watch_memory(deadline + 2.0))
            await asyncio.sleep(5.0)  # sessions closed: let the server drop them
            after = rss_mb(server.pid)
            errors = ", ".join(f"{k}: {v}" for k, v in stats.errors.items()) or "0"
            if stats.times:
                med = statistics.median(stats.times) * 1e3
                p95 = percentile(stats.times, 0.95) * 1e3
                print(
                    f"| {n} | {len(stats.times)} | {errors} | {med:.0f} | {p95:.0f} | "
                    f"{start_mb:.0f} | {max(peak):.0f} | {after:.0f} |"
                )
            else:
                print(f"| {n} | 0 | {errors} | – | – | {start_mb:.0f} | {max(peak):.0f} | {after:.0f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main())
