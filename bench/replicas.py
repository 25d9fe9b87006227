"""More than one process: replicas of app.py behind nginx, sticky by cookie, and failover.

nginx runs with ``deploy/nginx/streamlit.conf``, the file the compose file uses (``bench/serving.py``
writes only the upstream list and the port it includes). Students are ``bench/stclient.py``
visitors: they keep nginx's cookie like a browser and open the websocket through nginx.

1. capacity: N students moving z1 against one process (no nginx), then against two replicas
   behind nginx, same run. Goal (issue 13): 200 students, 0 errors, >= 1.6x the reruns of one process.
2. sticky routing: every student's responses, websocket included, came from one replica
   (nginx's ``X-Upstream`` header), and the students are spread over both.
3. failover: the same through nginx, and halfway through one replica is killed (SIGKILL). Its
   students lose their websocket, reconnect through nginx like the browser does (health checks with
   the browser's backoff, a new websocket, a rerun with the page's query string) and land on the
   other replica. Counted: students that came back to a different view (goal 0: same logits, same
   true class, same tab, same step), and the time from losing the connection to the view back.
   Students start on a mix of views: Explore, Derivation at a step, Quiz, with any true class.

    python bench/replicas.py [--sessions 200] [--duration 30] [--rate 1]
    python bench/replicas.py --qr 300 --within 10 [--no-assets]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import client_cpu, crowd, print_qr
from serving import Nginx, cpu_seconds, free_port, machine, start_streamlit, stop, wait_healthy
from stclient import Schedule, Tally, Visitor, all_opened, percentile, student

SCRIPT = "app.py"


def lecture_query(rng: random.Random) -> str:
    """Where a student is: a tab, a true class, sometimes a derivation step."""
    y = f"y={rng.randint(1, 3)}"
    kind = rng.random()
    if kind < 0.6:
        return y
    if kind < 0.8:
        return f"view=Derivation&step={rng.randint(1, 7)}&{y}"
    return f"view=Quiz&{y}"


@dataclass
class Run:
    """What one scenario measured."""

    label: str
    visitors: list[Visitor]
    wall: float
    server_cpu: float
    killed_at: float | None = None
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        for v in self.visitors:
            self.tally.merge(v.tally)

    @property
    def reruns(self) -> int:
        return len(self.tally.runs)

    def replicas_of(self, visitor: Visitor) -> list[str]:
        """The distinct replicas that answered a visitor, in order."""
        return list(dict.fromkeys(visitor.upstreams))

    def sticky(self) -> tuple[int, int]:
        """(students that stayed on one replica, students that moved), failover excepted."""
        moved = [v for v in self.visitors if not v.tally.recoveries and len(self.replicas_of(v)) > 1]
        return len(self.visitors) - len(moved), len(moved)

    def spread(self) -> Counter[str]:
        return Counter(self.replicas_of(v)[0] for v in self.visitors if v.upstreams)


async def lecture(
    base_url: str,
    sessions: int,
    duration: float,
    rate: float,
    pids: list[int],
    *,
    mixed: bool = False,
    during: Callable[[], Awaitable[float | None]] | None = None,
    label: str = "",
) -> Run:
    """N students open the page, then move z1 for ``duration`` s; ``during`` runs meanwhile (e.g. a kill)."""
    rng = random.Random(7)
    visitors = [Visitor(base_url, lecture_query(rng) if mixed else "") for _ in range(sessions)]
    schedule = Schedule(rate, duration)
    tasks = [
        asyncio.create_task(student(v, schedule, random.Random(k), reconnect=during is not None))
        for k, v in enumerate(visitors)
    ]
    await all_opened(visitors, 300.0)
    cpu0 = {p: cpu_seconds(p) for p in pids}
    t0 = time.monotonic()
    schedule.start()
    killed_at = await during() if during is not None else None
    await asyncio.gather(*tasks)
    wall = time.monotonic() - t0
    alive = [p for p in pids if Path(f"/proc/{p}/stat").exists()]  # the killed replica's time is not counted
    return Run(label, visitors, wall, sum(cpu_seconds(p) - cpu0[p] for p in alive), killed_at)


class Replicas:
    """``count`` replicas of the app on 127.0.0.1, and nginx in front of them (``with_nginx``)."""

    def __init__(self, count: int, with_nginx: bool = True, script: str = SCRIPT) -> None:
        self.ports = [free_port() for _ in range(count)]
        self.nginx = Nginx(self.ports) if with_nginx else None  # first: it fails at once if nginx is missing
        self.processes = [start_streamlit(script, p) for p in self.ports]

    async def __aenter__(self) -> Replicas:
        try:
            await asyncio.gather(*(wait_healthy(p, process=s) for p, s in zip(self.ports, self.processes, strict=True)))
            for port in self.ports:  # warm each replica: imports, the first run
                warm = Visitor(f"http://127.0.0.1:{port}")
                await warm.open()
                await warm.move(1.0)
                await warm.close()
            if self.nginx is not None:
                await self.nginx.start()
        except BaseException:
            self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def exited(self) -> list[str]:
        """Replicas that are no longer running (a benchmark reports them: a dead server is a failure)."""
        gone = [(k, p.returncode) for k, p in enumerate(self.processes) if p.poll() is not None]
        return [f"{self.address(k)} (exit {code})" for k, code in gone]

    def close(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for process in self.processes:
            stop(process)

    @property
    def url(self) -> str:
        port = self.nginx.port if self.nginx is not None else self.ports[0]
        return f"http://127.0.0.1:{port}"

    @property
    def pids(self) -> list[int]:
        """The replicas' processes and nginx's: whose CPU time counts as the server's."""
        return [p.pid for p in self.processes] + (self.nginx.pids() if self.nginx is not None else [])

    def address(self, index: int) -> str:
        return f"127.0.0.1:{self.ports[index]}"

    def kill_later(self, index: int, after: float) -> Callable[[], Awaitable[float]]:
        async def kill() -> float:
            await asyncio.sleep(after)
            self.processes[index].send_signal(signal.SIGKILL)
            return time.monotonic()

        return kill


def fmt_ms(values: list[float], q: float | None = None) -> str:
    if not values:
        return "–"
    return f"{(statistics.median(values) if q is None else percentile(values, q)) * 1e3:.0f}"


def errors_text(tally: Tally) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) or "0"


@dataclass
class Failover:
    """What happened to the students when a replica died."""

    on_dead: int  # students whose replica was killed
    reconnected: int
    lost_views: int
    still_on_dead: int  # reconnected, yet answered by the dead replica's address (never, if nginx routes away)
    recovery: list[float]  # seconds from a student's lost connection to its view back
    since_kill: list[float]  # seconds from the kill to each student's view back

    @classmethod
    def of(cls, run: Run, dead: str) -> Failover:
        moved = [v for v in run.visitors if v.tally.recoveries]
        killed = run.killed_at or 0.0
        return cls(
            on_dead=sum(1 for v in run.visitors if run.replicas_of(v)[:1] == [dead]),
            reconnected=len(moved),
            lost_views=run.tally.lost_views,
            still_on_dead=sum(1 for v in moved if v.upstreams and v.upstreams[-1] == dead),
            recovery=run.tally.recoveries,
            since_kill=[v.recovered_at - killed for v in moved if v.recovered_at is not None],
        )

    def row(self, errors: str) -> str:
        def s(values: list[float], q: float | None = None) -> str:
            if not values:
                return "–"
            return f"{statistics.median(values) if q is None else percentile(values, q):.1f}"

        cells = [self.on_dead, self.reconnected, self.lost_views, errors, self.still_on_dead]
        times = [s(self.recovery), s(self.recovery, 0.95), s(self.recovery, 1.0), s(self.since_kill, 1.0)]
        return "| " + " | ".join(str(c) for c in [*cells, *times]) + " |"

    HEADER = (
        "| students on the killed replica | reconnected | came back to a different view | errors "
        "| answered by the dead one | recovery median s | p95 s | longest s | last view back, s after the kill |\n"
        "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    )


async def qr(sessions: int, within: float, assets: bool) -> None:
    """The QR moment: one process on its own, then two replicas behind nginx."""
    results = []
    for label, count, proxy in (("1 process, direct", 1, False), ("2 replicas behind nginx", 2, True)):
        async with Replicas(count, with_nginx=proxy) as servers:
            result = await crowd(servers.url, servers.pids, sessions, within, 5.0, assets=assets)
            result.script = label + (f" (EXITED: {', '.join(servers.exited())})" if servers.exited() else "")
            results.append(result)
    files = "static files included" if assets else "without static files"
    print(f"QR moment: {sessions} students open the page ({files}) within {within:g} s\n")
    print_qr(results, within, "setup")
    print(f"\nload client: {client_cpu():.0f} s CPU (one Python process on the same machine)")
    print(f"machine: {machine()}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=1.0, help="moves per second per student")
    parser.add_argument("--skip-capacity", action="store_true", help="only the failover run")
    parser.add_argument("--qr", type=int, metavar="N", help="instead: the QR moment, N students within --within s")
    parser.add_argument("--within", type=float, default=10.0)
    parser.add_argument("--no-assets", action="store_true", help="QR moment: skip the JavaScript, CSS and fonts")
    args = parser.parse_args()
    n, d, rate = args.sessions, args.duration, args.rate
    if args.qr:
        await qr(args.qr, args.within, not args.no_assets)
        return
    runs: list[tuple[str, Run]] = []
    if not args.skip_capacity:
        for label, count, proxy in (("1 process, direct", 1, False), ("2 replicas behind nginx", 2, True)):
            async with Replicas(count, with_nginx=proxy) as servers:
                run = await lecture(servers.url, n, d, rate, servers.pids)
                runs.append((label + (f" (EXITED: {', '.join(servers.exited())})" if servers.exited() else ""), run))
        print(f"{n} students moving z1 {rate:g} times a second for {d:g} s (default view)\n")
        print("| setup | reruns | × one process | errors | median ms | p95 ms | server CPU s | students per replica "
              "| students on one replica |")  # fmt: skip
        print("| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |")
        base = runs[0][1].reruns or 1
        for label, run in runs:
            stayed, _ = run.sticky()
            spread = " / ".join(str(c) for _, c in sorted(run.spread().items())) if "nginx" in label else "–"
            print(
                f"| {label} | {run.reruns} | {run.reruns / base:.2f} | {errors_text(run.tally)} "
                f"| {fmt_ms(run.tally.runs)} | {fmt_ms(run.tally.runs, 0.95)} | {run.server_cpu:.0f} "
                f"| {spread} | {stayed} of {len(run.visitors)} |"
            )
        print()
    async with Replicas(2) as two:
        dead = two.address(0)
        run = await lecture(two.url, n, d, rate, two.pids, mixed=True, during=two.kill_later(0, d / 2))
        nginx_log = two.nginx.error_log() if two.nginx else ""
    print(f"failover: {n} students on a mix of views through nginx, 2 replicas, one killed after {d / 2:g} s\n")
    print(Failover.HEADER)
    print(Failover.of(run, dead).row(errors_text(run.tally)))
    print(f"\nreruns during the failover run: {run.reruns}, median {fmt_ms(run.tally.runs)} ms, "
          f"p95 {fmt_ms(run.tally.runs, 0.95)} ms")  # fmt: skip
    warnings = [line for line in nginx_log.splitlines() if "[warn]" in line or "[error]" in line]
    print(f"nginx error log: {len(warnings)} lines (connection refused by the killed replica is expected)")
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    asyncio.run(main())
