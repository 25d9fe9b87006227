"""Cost per interaction on a real server: CPU time of `streamlit run` per slider move, one student.

``bench/rerun.py`` times the script alone (AppTest); a server does more for each rerun: a thread
per run, each element turned into a protobuf ForwardMsg, hashed, queued to the event loop and sent
over the websocket. Here one student (``bench/stclient.py``) moves z1 to a new value ``--reruns``
times in a row, waiting for each run, and the server's own CPU time (all threads, from /proc) is
divided by the number of runs: what one interaction costs the server, with nothing else competing
inside it. The minimal app is measured in the same run. Also the messages and bytes per rerun,
and the median time to "script finished".

    python bench/rerun_cost.py [--reruns 200] [--views Explore Derivation ...] [--script app.py ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from serving import cpu_seconds, free_port, machine, start_streamlit, stop, wait_healthy
from stclient import Visitor

from components.params import VIEW_NAMES as VIEWS

MINIMAL = "bench/apps/minimal_app.py"


async def cost(script: str, query: str, reruns: int, py_spy: str | None = None) -> tuple[float, float, float, float]:
    """(server CPU ms per rerun, median ms to finished, KB per rerun, messages per rerun)."""
    port = free_port()
    server = start_streamlit(script, port)
    try:
        await wait_healthy(port, process=server)
        visitor = Visitor(f"http://127.0.0.1:{port}", query)
        await visitor.open()
        for k in range(10):  # warm: imports, caches, the first runs
            await visitor.move(round(-5.0 + 0.1 * k, 1))
        spy = None
        if py_spy:
            command = ["py-spy", "record", "--pid", str(server.pid), "--format", "raw", "--rate", "250"]
            spy = await asyncio.create_subprocess_exec(
                *command, "--nonblocking", "-o", py_spy, stdout=asyncio.subprocess.DEVNULL
            )
            await asyncio.sleep(1.0)
        ws_bytes, messages = visitor.tally.bytes_ws, visitor.messages
        visitor.tally.runs.clear()
        cpu0 = cpu_seconds(server.pid)
        for k in range(reruns):
            await visitor.move(round(-9.0 + 0.1 * (k % 180), 1))  # a new value each time
        cpu1 = cpu_seconds(server.pid)
        if spy is not None:
            spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
            await spy.wait()
        await visitor.close()
        return (
            (cpu1 - cpu0) * 1e3 / reruns,
            statistics.median(visitor.tally.runs) * 1e3,
            (visitor.tally.bytes_ws - ws_bytes) / 1e3 / reruns,
            (visitor.messages - messages) / reruns,
        )
    finally:
        stop(server)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reruns", type=int, default=200)
    parser.add_argument("--views", nargs="*", default=list(VIEWS), help="views of app.py to measure")
    parser.add_argument("--script", nargs="*", default=[], help="other scripts to measure (default view)")
    parser.add_argument("--py-spy", metavar="PREFIX", help="profile each server during the reruns (needs py-spy)")
    args = parser.parse_args()
    rows = [(MINIMAL, "")] + [("app.py", f"view={v}" if v != VIEWS[0] else "") for v in args.views]
    rows += [(s, "") for s in args.script]
    print(f"one student, {args.reruns} slider moves in a row, server CPU time per rerun (all its threads)\n")
    print("| app | view | server CPU ms per rerun | × minimal | median ms to finished | KB sent per rerun | messages |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    base = None
    for script, query in rows:
        name = Path(script).stem
        out = f"{args.py_spy}-{name}-{query.replace('=', '_') or 'default'}.txt" if args.py_spy else None
        cpu, median, kb, messages = await cost(script, query, args.reruns, out)
        base = base or cpu
        view = query.split("=", 1)[1] if query else ("Explore" if script == "app.py" else "–")
        cells = [Path(script).name, view, f"{cpu:.1f}", f"{cpu / base:.1f}", f"{median:.1f}", f"{kb:.1f}"]
        print("| " + " | ".join([*cells, f"{messages:.0f}"]) + " |")
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    asyncio.run(main())
