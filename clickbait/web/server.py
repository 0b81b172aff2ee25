"""``clickbait serve``: the app under uvicorn, one model per worker, with timeouts for slow clients.

With one worker the app is built here, so a bad model fails before the port opens. With more, the
settings travel to the worker processes in ``CLICKBAIT_SERVE_*`` environment variables and each
worker builds its own app (and loads the model once) through :func:`app_from_env`.

Slow clients: a connection has ``CLICKBAIT_SERVE_TIMEOUT`` seconds (default 10) to send each
request's headers, and the app gives the body as long again; an idle keep-alive connection is
closed after 5 s. SIGTERM and Ctrl-C finish the requests in flight, then stop with status 0.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from clickbait.errors import ClickbaitError

ENV_MODEL = "CLICKBAIT_SERVE_MODEL"
ENV_TOKEN = "CLICKBAIT_SERVE_TOKEN"
ENV_ORIGIN = "CLICKBAIT_SERVE_ORIGIN"
ENV_TIMEOUT = "CLICKBAIT_SERVE_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
KEEP_ALIVE = 5

_log = logging.getLogger("uvicorn.error")


def request_timeout() -> float:
    """Seconds a client has for a request's headers (and again for its body): $CLICKBAIT_SERVE_TIMEOUT or 10."""
    raw = os.environ.get(ENV_TIMEOUT)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 3600.0:
        raise ClickbaitError(f"${ENV_TIMEOUT}={raw!r}: must be a number of seconds between 0 and 3600")
    return value


_TIMEOUT_BODY = b'{"error":"request not received in time"}'
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)


class TimedHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol plus a deadline for each request's headers.

    uvicorn closes idle keep-alive connections but waits forever for a client that connects and
    sends nothing, or sends its headers a byte at a time. Here a timer starts when a connection
    opens and after each response; if no new request has begun when it fires, the connection is
    closed (with a 408 if part of a request had arrived).
    """

    timeout: float = DEFAULT_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # asyncio sets TCP_NODELAY only when the listening socket says IPPROTO_TCP, which the
            # socket uvicorn shares among several workers does not: without it a response written
            # in two pieces waits out the client's delayed ACK (40 ms).
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._waiting_for = self.cycle  # the cycle in place when the wait began
        self._partial = False
        self._deadline = self.loop.call_later(self.timeout, self._expired)

    def _disarm(self) -> None:
        handle = getattr(self, "_deadline", None)
        if handle is not None:
            handle.cancel()
            self._deadline = None

    def _check(self) -> None:
        if self._deadline is not None and self.cycle is not self._waiting_for:
            self._disarm()  # a request's headers are in: the app's own body timeout takes over

    def data_received(self, data: bytes) -> None:
        if self._deadline is not None:
            self._partial = True
        super().data_received(data)
        self._check()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._arm()
        super().on_response_complete()
        self._check()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self.cycle is not self._waiting_for:
            return
        if self._partial:
            self.transport.write(_TIMEOUT_RESPONSE)
        self.transport.close()


def _listen_check(host: str, port: int) -> None:
    """Fail with one clear line when the address cannot be bound (uvicorn would log and exit 3)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ClickbaitError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            raise ClickbaitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_from_env() -> Any:
    """App factory for worker processes: the settings ``run`` put in the environment."""
    from clickbait.web.app import create_app

    TimedHTTPProtocol.timeout = request_timeout()
    return create_app(
        os.environ.get(ENV_MODEL) or None,
        token=os.environ.get(ENV_TOKEN) or None,
        allow_origin=os.environ.get(ENV_ORIGIN) or None,
        body_timeout=TimedHTTPProtocol.timeout,
    )


def _stop(signum: int, frame: Any) -> None:
    # uvicorn answers SIGTERM with a graceful shutdown and then re-raises it to the handler it
    # found; a KeyboardInterrupt here ends uvicorn.run quietly, so the command exits with 0.
    raise KeyboardInterrupt


def run(
    model_path: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers: int = 1,
    token: str | None = None,
    allow_origin: str | None = None,
) -> None:
    """Serve the page and the API until SIGTERM or Ctrl-C. Raises :class:`ClickbaitError` on bad settings."""
    from clickbait.model import Model
    from clickbait.web.app import check_options, create_app

    if workers < 1:
        raise ClickbaitError("--workers must be at least 1")
    timeout = request_timeout()
    check_options(token, allow_origin)
    TimedHTTPProtocol.timeout = timeout
    _listen_check(host, port)
    if not _is_loopback(host) and token is None:
        _log.warning("listening on %s without a token: anyone who reaches this address can use the API "
                     "(set --token or $CLICKBAIT_TOKEN)", host)
    common: dict[str, Any] = dict(
        host=host, port=port, http=TimedHTTPProtocol, ws="none", lifespan="off",
        timeout_keep_alive=KEEP_ALIVE, timeout_graceful_shutdown=10, server_header=False,
    )
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        if workers == 1:
            app = create_app(model_path, token=token, allow_origin=allow_origin, body_timeout=timeout)
            uvicorn.run(app, **common)
        else:
            path = Path(model_path) if model_path is not None else None
            Model.load(path)  # fail here, once, rather than in every worker
            os.environ[ENV_MODEL] = str(path.resolve()) if path is not None else ""
            os.environ[ENV_TOKEN] = token or ""
            os.environ[ENV_ORIGIN] = allow_origin or ""
            os.environ[ENV_TIMEOUT] = repr(timeout)
            uvicorn.run("clickbait.web.server:app_from_env", factory=True, workers=workers, **common)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
