"""A real `clickbait serve` in a subprocess on a free 127.0.0.1 port, and a plain HTTP client for it.

Used by tests/test_server.py and tests/test_browser.py. The server's log goes to a file (a pipe
could fill up and stall it); :meth:`Server.stop` sends a signal and returns the exit status.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    """Status, headers (lower-case names) and body of one answer; ``json`` parses the body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:200]!r}>"


class Server:
    """`python -m clickbait serve --port N --model PATH ARGS` until :meth:`stop`."""

    def __init__(self, model: Path, *args: str, env: dict[str, str] | None = None, wait: float = 30.0):
        self.port = free_port()
        self.host = "127.0.0.1"
        self.log = tempfile.NamedTemporaryFile(prefix="clickbait-serve-", suffix=".log", delete=False)
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLICKBAIT_")}
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "clickbait", "serve", "--port", str(self.port), "--model", str(model), *args],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT,
        )
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if self.request("GET", "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError(f"server did not answer /healthz in {wait} s:\n{self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def connection(self, timeout: float = 30.0) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None, headers: dict[str, str] | None = None,
                timeout: float = 30.0, conn: http.client.HTTPConnection | None = None) -> Response:
        """One request. ``body``: bytes as they are, anything else as JSON (with its Content-Type)."""
        hdrs = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        own = conn is None
        c = conn or self.connection(timeout)
        try:
            c.request(method, path, body=body, headers=hdrs)
            r = c.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            if own:
                c.close()

    def post(self, path: str, body, **kw) -> Response:
        return self.request("POST", path, body, **kw)

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Send ``sig`` and wait for the exit status (the process is killed if it hangs)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"server did not stop within {timeout} s of signal {sig}:\n{self.output()}")
        self.log.close()
        return self.proc.returncode

    def remove_log(self) -> None:
        Path(self.log.name).unlink(missing_ok=True)
