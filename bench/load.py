"""A lecture hall on one `streamlit run` process: many students moving a slider, and the QR moment.

Each student is a websocket client speaking Streamlit's own protocol (``bench/stclient.py``: the
requests and ``streamlit.proto`` messages Chromium exchanges with this app), far lighter than a
browser. Every app is measured in the same run as the minimal app (three sliders and one Plotly
chart, ``bench/apps/minimal_app.py``), each on a fresh server, and reported against it.

Sliders (default): N students open the page (all at once); once every page is open, each moves
z1 ``--rate`` times a second (spaced 0.7 to 1.3 times 1/rate apart, each move waiting for its
rerun) for ``--duration`` seconds. Reports reruns, errors, median and p95 time from the rerun
request to the server's "script finished", the server's CPU time per rerun and how many cores it
used, and its memory.
Goal (issue 13): at 100 students and rate 1, app.py completes at least 0.6x the minimal app's
reruns with p95 under 500 ms.

QR moment (``--qr``): N students open the page at random times within ``--within`` seconds, as a
browser with an empty cache does (the HTML, its JavaScript, CSS and fonts, the chunks loaded
afterwards, then the websocket and the first run), and stay. Reports how many got their full first
page, errors, and the median / p95 / longest time to it. Goal: 300 within 10 s, every one, 0 errors.

    python bench/load.py [--sessions 100 ...] [--rate 1 0.2] [--duration 30] [--script app.py] [--query view=Quiz]
    python bench/load.py --qr 300 --within 10
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import cpu_seconds, free_port, machine, rss_mb, start_streamlit, stop, wait_healthy
from stclient import Schedule, Tally, Visitor, all_opened, percentile, student

MINIMAL = "bench/apps/minimal_app.py"


@dataclass
class Result:
    script: str
    rate: float
    sessions: int
    tally: Tally
    server_cpu: float  # seconds, during the measured phase
    wall: float  # seconds of the measured phase
    mem_start: float
    mem_peak: float
    mem_after: float = float("nan")  # MB once the students have left

    @property
    def count(self) -> int:
        return len(self.tally.runs)


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def watch_memory(pid: int, peak: list[float], stop_event: asyncio.Event) -> None:
    while not stop_event.is_set():
        peak.append(rss_mb(pid))
        await asyncio.sleep(0.5)


async def serve(script: str) -> tuple[int, subprocess.Popen[bytes]]:
    port = free_port()
    server = start_streamlit(script, port)
    await wait_healthy(port, process=server)
    # One student first, so that imports and caches are warm before anything is measured.
    warm = Visitor(f"http://127.0.0.1:{port}")
    await warm.open()
    await warm.move(1.0)
    await warm.close()
    await asyncio.sleep(1.0)
    return port, server


def start_py_spy(pid: int, out: str | None, duration: float) -> subprocess.Popen[bytes] | None:
    """Sample the server during the measured phase (collapsed stacks, ``py-spy record --format raw``)."""
    if out is None:
        return None
    command = ["py-spy", "record", "--pid", str(pid), "--format", "raw", "--rate", "100", "--nonblocking"]
    return subprocess.Popen([*command, "--duration", str(max(1, int(duration))), "-o", out], stdout=subprocess.DEVNULL)


async def sliders(
    script: str, port: int, pid: int, sessions: int, rate: float, duration: float, query: str, py_spy: str | None
) -> Result:
    """N students on the server at ``port``: all open the page, then move z1 ``rate`` times a second."""
    base = f"http://127.0.0.1:{port}"
    visitors = [Visitor(base, query) for _ in range(sessions)]
    schedule = Schedule(rate, duration)
    mem_start, peak, done = rss_mb(pid), [rss_mb(pid)], asyncio.Event()
    memory = asyncio.create_task(watch_memory(pid, peak, done))
    tasks = [asyncio.create_task(student(v, schedule, random.Random(k))) for k, v in enumerate(visitors)]
    await all_opened(visitors, 300.0)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    schedule.start()
    spy = start_py_spy(pid, py_spy, duration)
    await asyncio.gather(*tasks)
    cpu1, t1 = cpu_seconds(pid), time.monotonic()
    if spy is not None:
        spy.wait()
    done.set()
    await memory
    await asyncio.sleep(5.0)  # the students have left: let the server drop their sessions
    tally = Tally()
    for v in visitors:
        tally.merge(v.tally)
    return Result(script, rate, sessions, tally, cpu1 - cpu0, t1 - t0, mem_start, max(peak), rss_mb(pid))


async def crowd(base: str, pids: list[int], sessions: int, within: float, hold: float, assets: bool) -> Result:
    """N students open the page at random times within ``within`` s, and stay ``hold`` s (the servers: ``pids``)."""
    visitors = [Visitor(base, assets=assets) for _ in range(sessions)]
    rng = random.Random(13)
    arrivals = sorted(rng.uniform(0.0, within) for _ in visitors)
    schedule = Schedule(rate=1.0, duration=0.0)  # nobody moves: they only open the page

    def rss() -> float:
        return sum(rss_mb(p) for p in pids)

    mem_start, peak, done = rss(), [rss()], asyncio.Event()

    async def watch() -> None:
        while not done.is_set():
            peak.append(rss())
            await asyncio.sleep(0.5)

    memory = asyncio.create_task(watch())
    cpu0, t0 = sum(cpu_seconds(p) for p in pids), time.monotonic()

    async def arrive(visitor: Visitor, at: float, k: int) -> None:
        await asyncio.sleep(at)
        await student(visitor, schedule, random.Random(k))

    pairs = enumerate(zip(visitors, arrivals, strict=True))
    tasks = [asyncio.create_task(arrive(v, at, k)) for k, (v, at) in pairs]
    await asyncio.sleep(within)
    await all_opened(visitors, 300.0)
    cpu1, t1 = sum(cpu_seconds(p) for p in pids), time.monotonic()
    await asyncio.sleep(hold)  # everyone on the page at once, for a moment
    done.set()
    schedule.start()
    await asyncio.gather(*tasks, memory)
    tally = Tally()
    for v in visitors:
        tally.merge(v.tally)
    return Result(base, 0.0, sessions, tally, cpu1 - cpu0, t1 - t0, mem_start, max(peak))


async def qr_moment(script: str, sessions: int, within: float, hold: float, assets: bool) -> Result:
    port, server = await serve(script)
    try:
        result = await crowd(f"http://127.0.0.1:{port}", [server.pid], sessions, within, hold, assets)
        result.script = script
        return result
    finally:
        stop(server)


def ms(seconds: list[float], q: float | None = None) -> str:
    if not seconds:
        return "–"
    value = statistics.median(seconds) if q is None else percentile(seconds, q)
    return f"{value * 1e3:.0f}"


def errors_text(tally: Tally) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) or "0"


def print_sliders(results: list[Result], baseline: dict[tuple[float, int], Result]) -> None:
    print(
        "| app | moves/s per student | students | reruns | × minimal | errors | median ms | p95 ms "
        "| server CPU ms per rerun | server cores busy | memory start → peak → after MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        base = baseline.get((r.rate, r.sessions))
        ratio = f"{r.count / base.count:.2f}" if base and base.count else "–"
        per_rerun = f"{r.server_cpu * 1e3 / r.count:.1f}" if r.count else "–"
        print(
            f"| {Path(r.script).name} | {r.rate:g} | {r.sessions} | {r.count} | {ratio} | {errors_text(r.tally)} "
            f"| {ms(r.tally.runs)} | {ms(r.tally.runs, 0.95)} | {per_rerun} | {r.server_cpu / r.wall:.2f} "
            f"| {r.mem_start:.0f} → {r.mem_peak:.0f} → {r.mem_after:.0f} |"
        )


def print_qr(results: list[Result], within: float, label: str = "app") -> None:
    print(
        f"| {label} | students within {within:g} s | full first pages | errors | median s | p95 s | longest s "
        "| MB fetched per student | server CPU s per page | memory start → peak MB |"
    )
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        pages = r.tally.first_pages
        mb = (r.tally.bytes_http + r.tally.bytes_ws) / 1e6 / max(1, r.sessions)

        def s(v: float) -> str:
            return f"{v:.1f}"

        print(
            f"| {Path(r.script).name} | {r.sessions} | {len(pages)} | {errors_text(r.tally)} "
            f"| {s(statistics.median(pages)) if pages else '–'} | {s(percentile(pages, 0.95)) if pages else '–'} "
            f"| {s(max(pages)) if pages else '–'} | {mb:.2f} | {r.server_cpu / max(1, len(pages)):.3f} "
            f"| {r.mem_start:.0f} → {r.mem_peak:.0f} |"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100], help="students, one row each (same server)")
    parser.add_argument("--rate", type=float, nargs="+", default=[1.0, 0.2], help="moves per second per student")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of moving, per rate")
    parser.add_argument("--script", default="app.py", help="the app measured beside the minimal app")
    parser.add_argument("--query", default="", help="query string every student opens, e.g. view=Learning")
    parser.add_argument("--no-baseline", action="store_true", help="skip the minimal app")
    parser.add_argument("--py-spy", metavar="PREFIX", help="profile each server while students move (needs py-spy)")
    parser.add_argument("--qr", type=int, metavar="N", help="QR moment: N students open the page within --within s")
    parser.add_argument("--within", type=float, default=10.0)
    parser.add_argument("--hold", type=float, default=5.0, help="QR moment: seconds everyone stays after opening")
    parser.add_argument("--no-assets", action="store_true", help="QR moment: skip the JavaScript, CSS and fonts")
    args = parser.parse_args()
    scripts = ([] if args.no_baseline else [MINIMAL]) + [args.script]
    cpu_before = client_cpu()
    started = time.monotonic()
    if args.qr:
        results = [await qr_moment(s, args.qr, args.within, args.hold, not args.no_assets) for s in scripts]
        files = "without" if args.no_assets else "with"
        print(f"QR moment: {args.qr} students open the page at random times within {args.within:g} s "
              f"({files} static files), one server on this machine\n")  # fmt: skip
        print_qr(results, args.within)
    else:
        servers = [await serve(script) for script in scripts]  # one per app, kept for all its rows
        results = []
        try:
            for rate in args.rate:
                for n in args.sessions:
                    for script, (port, server) in zip(scripts, servers, strict=True):  # interleaved: same conditions
                        out = f"{args.py_spy}-{Path(script).stem}-rate{rate:g}-{n}.txt" if args.py_spy else None
                        results.append(await sliders(script, port, server.pid, n, rate, args.duration, args.query, out))
        finally:
            for _, server in servers:
                stop(server)
        print(f"students moving z1, {args.duration:g} s per row, {args.query or 'default view'}; one server per app "
              "on this machine, all of an app's rows on it, rows in the order run\n")  # fmt: skip
        print_sliders(results, {(r.rate, r.sessions): r for r in results if r.script == MINIMAL})
    wall = time.monotonic() - started
    print(f"\nload client: {client_cpu() - cpu_before:.0f} s CPU in {wall:.0f} s (one Python process, same machine)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    asyncio.run(main())
