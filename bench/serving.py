"""Processes for the load benchmarks and the deploy test: `streamlit run` replicas and nginx in front of them.

nginx runs with ``deploy/nginx/streamlit.conf``, the very file the compose file mounts. What
differs between here and a container is in two small files it includes from nginx's configuration
directory, written here into a temporary one: ``streamlit/upstream.conf`` (the replicas'
``server`` lines) and ``streamlit/listen.conf`` (the port). Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX_SITE = ROOT / "deploy" / "nginx" / "streamlit.conf"
#: How nginx treats a replica in the bench and the test (compose: deploy/nginx/compose/upstream.conf).
UPSTREAM_PARAMS = "max_fails=1 fail_timeout=10s"
NGINX_MISSING = "nginx not found: install it (Debian/Ubuntu: apt-get install -y nginx; scripts/setup.sh does)."


def machine() -> str:
    """The machine and the versions the figures were measured with."""
    import platform

    import numpy
    import streamlit

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, NumPy {numpy.__version__}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc; 0 once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process; 0 once it has exited."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except FileNotFoundError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmRSS:")), float("nan"))


def start_streamlit(script: str, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """`streamlit run script` on 127.0.0.1:port with the project's .streamlit/config.toml (cwd is the repository)."""
    return subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def wait_healthy(port: int, limit: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Until ``GET /_stcore/health`` answers 200 on 127.0.0.1:port."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process on port {port} exited with {process.returncode}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            answer = await reader.read(100)
            writer.close()
            if b" 200 " in answer:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing healthy on port {port} after {limit:g} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def find_nginx() -> str | None:
    candidates = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
    return shutil.which("nginx") or next((p for p in candidates if Path(p).exists()), None)


class Nginx:
    """nginx in the foreground with deploy/nginx/streamlit.conf, in front of replicas on 127.0.0.1."""

    def __init__(self, upstream_ports: list[int], port: int | None = None) -> None:
        binary = find_nginx()
        if binary is None:
            raise RuntimeError(NGINX_MISSING)
        self.binary = binary
        self.port = port or free_port()
        self.upstream_ports = upstream_ports
        self.dir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.dir.chmod(0o755)  # nginx's workers (not root) use the cache and temporary files in it
        self.process: subprocess.Popen[bytes] | None = None
        self._write_config()

    def _write_config(self) -> None:
        site = self.dir / "streamlit"
        site.mkdir()
        (site / "upstream.conf").write_text(
            "".join(f"server 127.0.0.1:{p} {UPSTREAM_PARAMS};\n" for p in self.upstream_ports)
        )
        (site / "listen.conf").write_text(f"listen 127.0.0.1:{self.port};\n")
        d = self.dir
        (d / "nginx.conf").write_text(
            f"""# Written by bench/serving.py: a private nginx for one benchmark or test run.
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {NGINX_SITE};
}}
"""
        )

    def check(self) -> str:
        """``nginx -t`` on the configuration; returns its output (raises if it is not valid)."""
        result = subprocess.run(
            [self.binary, "-t", "-p", f"{self.dir}/", "-c", str(self.dir / "nginx.conf")],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{result.stderr}")
        return result.stderr

    async def start(self) -> None:
        self.check()
        self.process = subprocess.Popen(
            [self.binary, "-p", f"{self.dir}/", "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + 20
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError("nginx did not listen")

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *(int(p) for p in children.read_text().split())] if children.exists() else []

    def error_log(self) -> str:
        log = self.dir / "error.log"
        return log.read_text() if log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)  # fast shutdown: a graceful one would wait for every open websocket
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
