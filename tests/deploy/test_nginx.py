"""Issue 13: replicas behind nginx with deploy/nginx/streamlit.conf, the file docker compose uses.

Two `streamlit run app.py` replicas on 127.0.0.1 and Debian's nginx in front of them (installed by
scripts/setup.sh; this test installs nothing and fails, never skips, without it). Students are
bench/stclient.py visitors: they keep nginx's cookie like a browser and speak Streamlit's
websocket protocol. A short lecture (20 students, 12 s) with one replica killed halfway checks:
no errors, one replica per student (nginx's X-Upstream header on every response, websocket
included), both replicas used, and every student of the dead replica back on the other one with
the same view. Also: the cookie, `nginx -t` on the compose variant, the compose file, the Dockerfile.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import subprocess
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from replicas import Failover, Replicas, Run, lecture  # noqa: E402
from serving import NGINX_MISSING, NGINX_SITE, Nginx, find_nginx  # noqa: E402
from stclient import Visitor, static_assets  # noqa: E402

STUDENTS, SECONDS, KILL_AFTER = 20, 12.0, 6.0
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    binary = find_nginx()
    if binary is None:
        pytest.fail(NGINX_MISSING)
    return binary


T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: Playwright's sync API (the browser tests, earlier in the
    same pytest run) leaves an event loop running in the main thread, where ``asyncio.run`` refuses."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def two_replicas(nginx_binary: str) -> Iterator[Replicas]:
    """Two replicas behind nginx for the short checks (the lecture below starts its own: it kills one)."""
    two = Replicas(2)
    run_async(asyncio.wait_for(two.__aenter__(), 90))
    yield two
    two.close()


@pytest.fixture(scope="module")
def lecture_with_failover(nginx_binary: str) -> tuple[Run, str, str]:
    """The lecture: (what the students saw, the killed replica's address, the survivor's)."""

    async def scenario() -> tuple[Run, str, str]:
        async with Replicas(2) as two:
            kill = two.kill_later(0, KILL_AFTER)
            run = await lecture(two.url, STUDENTS, SECONDS, 1.0, two.pids, mixed=True, during=kill)
            return run, two.address(0), two.address(1)

    return run_async(asyncio.wait_for(scenario(), 90))


def test_no_errors_and_every_student_moved(lecture_with_failover: tuple[Run, str, str]) -> None:
    run, _, _ = lecture_with_failover
    assert not run.tally.errors, run.tally.errors
    assert all(v.tally.runs for v in run.visitors), "a student never got a rerun"
    assert all(v.cookies.get("streamlit_route") for v in run.visitors)


def test_each_student_stays_on_one_replica_and_both_are_used(lecture_with_failover: tuple[Run, str, str]) -> None:
    run, dead, alive = lecture_with_failover
    for visitor in run.visitors:
        replicas = run.replicas_of(visitor)
        assert replicas, "nginx sent no X-Upstream header"
        if visitor.tally.recoveries:  # moved once, from the killed replica to the other, and stayed there
            assert replicas == [dead, alive], visitor.upstreams
        else:
            assert len(replicas) == 1, visitor.upstreams
    assert set(run.spread()) == {dead, alive}, run.spread()


def test_students_of_the_killed_replica_come_back_to_the_same_view(
    lecture_with_failover: tuple[Run, str, str],
) -> None:
    run, dead, _ = lecture_with_failover
    failover = Failover.of(run, dead)
    assert failover.on_dead > 0, "no student was on the killed replica: the failover was not tested"
    assert failover.reconnected == failover.on_dead
    assert failover.lost_views == 0
    assert failover.still_on_dead == 0
    assert max(failover.recovery) < 10.0, failover.recovery


def test_the_view_check_notices_a_lost_view(two_replicas: Replicas) -> None:
    """A reconnection that lands on other settings counts as a lost view (the check above can fail)."""

    async def scenario(query_after: str) -> int:
        visitor = Visitor(two_replicas.url, "view=Quiz&y=2")
        await visitor.open()
        await visitor.move(2.5)
        await visitor.close()
        visitor.query = query_after
        await visitor.reconnect(give_up=10.0)
        await visitor.close()
        return visitor.tally.lost_views

    assert run_async(asyncio.wait_for(scenario("view=Quiz&y=2&z1=2.5"), 60)) == 0
    assert run_async(asyncio.wait_for(scenario("y=2&z1=2.5"), 60)) == 1  # the tab is gone from the URL


def test_nginx_sets_the_cookie_once_and_routes_by_it(two_replicas: Replicas) -> None:
    async def scenario() -> tuple[list[str], list[set[str]], set[str]]:
        first = Visitor(two_replicas.url)
        cookies = []
        for _ in range(2):  # the second time, the browser sends the cookie back
            response = await first.get("/_stcore/health")
            cookies.append(" + ".join(c for c in response.all("Set-Cookie") if c.startswith("streamlit_route=")))
        routes = []
        for k in range(8):  # a fixed cookie: always the same replica
            visitor = Visitor(two_replicas.url)
            visitor.cookies["streamlit_route"] = f"student-{k}"
            for _ in range(5):
                await visitor.get("/_stcore/health")
            routes.append(set(visitor.upstreams))
        return cookies, routes, set().union(*routes)

    cookies, routes, used = run_async(asyncio.wait_for(scenario(), 60))
    assert re.fullmatch(r"streamlit_route=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", cookies[0]), cookies
    assert cookies[1] == ""
    assert all(len(r) == 1 for r in routes), routes
    assert len(used) == 2, "eight cookies from one address all went to one replica: not hashing the cookie?"


def test_static_files_come_from_nginx_s_cache_after_the_first_request(two_replicas: Replicas) -> None:
    async def scenario() -> list[tuple[int, str | None, str | None]]:
        answers = []
        for _ in range(3):
            visitor = Visitor(two_replicas.url)  # a new phone each time: no cookie, any replica
            index = await visitor.get("/", keep_body=True)
            asset = next(p for p in static_assets(index.body.decode()) if p.endswith(".js"))
            response = await visitor.get(f"/{asset}")
            answers.append((response.status, response.header("X-Cache"), response.header("Cache-Control")))
        return answers

    answers = run_async(asyncio.wait_for(scenario(), 60))
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert [cache for _, cache, _ in answers][1:] == ["HIT", "HIT"], answers
    assert "immutable" in (answers[0][2] or "")


def test_the_compose_includes_pass_nginx_t(nginx_binary: str, tmp_path: Path) -> None:
    """The compose variant of the two included files, with the service name replaced by an address."""
    nginx = Nginx([1])
    try:
        site = nginx.dir / "streamlit"
        upstream = (DEPLOY / "nginx" / "compose" / "upstream.conf").read_text()
        assert "server app:8501" in upstream
        (site / "upstream.conf").write_text(upstream.replace("app:8501", "127.0.0.1:8501"))
        (site / "listen.conf").write_text((DEPLOY / "nginx" / "compose" / "listen.conf").read_text())
        assert "test is successful" in nginx.check()
    finally:
        nginx.stop()


def test_the_compose_file_runs_the_app_behind_nginx_with_this_configuration() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["nginx"]
    assert (DEPLOY / app["build"]["context"] / app["build"].get("dockerfile", "Dockerfile")).resolve() == (
        ROOT / "Dockerfile"
    )
    assert "ports" not in app, "the replicas are reached only through nginx"
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert proxy["command"][:3] == ["nginx", "-p", "/var/cache/nginx/"]  # where the static cache goes
    mounts = {volume.split(":")[1]: (DEPLOY / volume.split(":")[0]).resolve() for volume in proxy["volumes"]}
    assert mounts["/etc/nginx/conf.d/default.conf"] == NGINX_SITE
    assert mounts["/etc/nginx/streamlit"] == DEPLOY / "nginx" / "compose"


def test_the_dockerfile_is_slim_non_root_healthchecked_and_runs_the_app() -> None:
    text = (ROOT / "Dockerfile").read_text()
    instructions = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert instructions[0].startswith("FROM python:3.11-slim")
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users, "no USER: the app would run as root"
    assert users[-1] not in {"root", "0"}
    assert any(line.startswith("HEALTHCHECK") and "/_stcore/health" in text for line in instructions)
    assert any("EXPOSE 8501" in line for line in instructions)
    cmd = next(line for line in instructions if line.startswith("CMD"))
    assert all(word in cmd for word in ("streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"))
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", "tests", "bench", ".streamlit/secrets.toml"} <= set(ignored)


def test_the_healthcheck_command_works_against_a_replica(two_replicas: Replicas) -> None:
    """The Dockerfile's HEALTHCHECK (Python: no curl in the slim image), run here against a replica."""
    text = (ROOT / "Dockerfile").read_text()
    command = re.search(r'HEALTHCHECK[^\n]*\\\n\s*CMD \["python", "-c", "(.+)"\]', text)
    assert command, 'HEALTHCHECK should be: CMD ["python", "-c", "..."]'
    code = command.group(1).replace('\\"', '"').replace("8501", str(two_replicas.ports[1]))
    check = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=20, check=False)
    assert check.returncode == 0, check.stderr
