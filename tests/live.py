"""A live HTTP server for end-to-end tests: `recueil-kg serve` itself (Granian, its processes and
query workers), started as a subprocess on 127.0.0.1 with the settings a test gives as RECUEIL_*
environment variables.

The port is asked of the operating system (port 0) just before the start; if another program takes
it in between, the start is retried on a new port. Raw requests go through http.client, which sends
exactly the method, headers and body it is given (urllib would add a form Content-Type to every POST,
which several protocol cases must not have).
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_WITHIN_S = 90.0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def media(self) -> str:
        """The media type of the Content-Type header, without parameters, lower-cased."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        return self.body.decode("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python -m recueil_kg --root ROOT serve --port P` with `settings` as RECUEIL_* variables."""

    def __init__(self, settings: dict | None = None, attempts: int = 3):
        self.settings = {f"RECUEIL_{k}": str(v) for k, v in (settings or {}).items()}
        for attempt in range(attempts):
            self.port = free_port()
            self.log = tempfile.TemporaryFile()  # noqa: SIM115 - read by output() for the server's whole life
            env = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
            env.update(self.settings, RECUEIL_HOST="127.0.0.1")
            self.process = subprocess.Popen([sys.executable, "-m", "recueil_kg", "--root", str(ROOT), "serve", "--port", str(self.port)],
                                            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_ready():
                return
            if "cannot listen" not in self.output() or attempt == attempts - 1:
                raise RuntimeError(f"recueil-kg serve did not start (exit {self.process.returncode}):\n{self.output()[-3000:]}")

    def _wait_ready(self) -> bool:
        end = time.monotonic() + START_WITHIN_S
        while time.monotonic() < end:
            if self.process.poll() is not None:
                return False
            try:
                if self.request("GET", "/queries.json", timeout=5).status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        return False

    def output(self) -> str:
        """What the server wrote on stdout and stderr so far."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def request(self, method: str, target: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 60.0) -> Reply:
        """Send one request; `target` is the path with its (already encoded) query string."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def descendants(self) -> list[int]:
        """The process ids of everything the server started (its HTTP processes and query workers)."""
        out, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            try:
                children = [c for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]
            except OSError:
                continue
            out += [int(c) for c in children]
            todo += [int(c) for c in children]
        return out

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as a service manager stops it; SIGKILL the whole session if it does not end in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)
