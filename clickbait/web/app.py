"""The ASGI app: the JSON API under ``/v1`` and the newsroom page, over the library calls the CLI uses.

Routes are plain functions that validate the request and call the library (``Model.score``,
``Model.explain``, ``Model.card``, ``clickbait.pages.extract``); none of them holds logic the CLI
lacks. Cross-cutting concerns are middleware: the bearer token (``/v1/*`` only) and CORS (only
when an origin is named). Every failure leaves through :func:`_error_response`, the one place that
turns :class:`ApiError`, :class:`ClickbaitError` and the router's 404/405 into ``{"error": "..."}``.

Limits: a body over ``MAX_BODY`` bytes or more than ``MAX_HEADLINES`` headlines is refused with 413,
and a body that does not arrive within ``body_timeout`` seconds with 408.
"""

from __future__ import annotations

import hmac
import inspect
import json
import math
import re
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from clickbait import pages
from clickbait.errors import ClickbaitError
from clickbait.model import Model

MAX_BODY = 1_000_000  # bytes: "over 1 MB" -> 413
MAX_HEADLINES = 10_000
INLINE_HEADLINES = 32  # up to this many headlines are scored on the event loop; more go to a thread
INLINE_PAGE_CHARS = 20_000
BODY_TIMEOUT = 10.0  # seconds for the whole request body to arrive
DRAIN_LIMIT = 16_000_000  # an over-large body is read and dropped up to this size before the 413

_SURROGATES = re.compile("[\ud800-\udfff]")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
_TOKEN = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: what a header can carry
_SCORE_TAKES_PRIOR = "prior" in inspect.signature(Model.score).parameters

# The page's own files: no inline script or style, nothing from elsewhere.
_PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-cache",
}
_STATIC = {"index.html": "text/html; charset=utf-8", "style.css": "text/css; charset=utf-8",
           "app.js": "text/javascript; charset=utf-8"}


class ApiError(Exception):
    """A request the API refuses: HTTP status, a message for the caller, optional extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# -- responses ------------------------------------------------------------------------------------
def _clean(obj: Any) -> Any:
    """NaN and infinities (which JSON cannot carry) as null, everywhere in ``obj``."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def _dumps(obj: Any) -> bytes:
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:  # a NaN somewhere (a model card's CV figure, say): send null instead
        text = json.dumps(_clean(obj), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_dumps(obj), status_code=status, headers=headers, media_type="application/json")


def _error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return _json({"error": message}, status, headers)


_REASONS = {404: "not found", 405: "method not allowed"}


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_response(exc.status, exc.message, exc.headers)


async def _on_clickbait_error(request: Request, exc: Exception) -> Response:
    return _error_response(400, str(exc))


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _REASONS.get(exc.status_code) or str(exc.detail).lower()
    if exc.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    return _error_response(exc.status_code, message, dict(exc.headers or {}))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    # Logged with its traceback by the server; the caller sees one line and no internals.
    return _error_response(500, "internal error")


# -- request parsing ------------------------------------------------------------------------------
def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def _body(request: Request) -> bytes:
    """The request body, at most MAX_BODY bytes (413 past that), arriving within the body timeout (408).

    A body that is too large is still read (and dropped) up to DRAIN_LIMIT, so that an ordinary
    client, busy sending, gets to read the 413 instead of a broken connection; a client that sent
    ``Expect: 100-continue`` is answered at once and sends nothing.
    """
    too_large = ApiError(413, f"body larger than {MAX_BODY:,} bytes", {"connection": "close"})
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "bad Content-Length header")
        if int(length) > MAX_BODY:
            if int(length) <= DRAIN_LIMIT and request.headers.get("expect", "").lower() != "100-continue":
                await _drain(request)
            raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(request.app.state.body_timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY:
                    break
                chunks.append(chunk)
    except TimeoutError:
        raise ApiError(408, "request body not received in time", {"connection": "close"}) from None
    except ClientDisconnect:
        raise ApiError(400, "client went away") from None
    if size > MAX_BODY:
        await _drain(request, size)
        raise too_large
    return b"".join(chunks)


async def _drain(request: Request, size: int = 0) -> None:
    """Read and drop the rest of a body, up to DRAIN_LIMIT bytes and the body timeout."""
    try:
        with anyio.move_on_after(request.app.state.body_timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > DRAIN_LIMIT:
                    break
    except (ClientDisconnect, RuntimeError):  # gone, or the stream already ended
        pass


async def _json_object(request: Request, fields: set[str]) -> dict:
    """The request's JSON object; 415 if it is not sent as JSON, 400 if it is not an object of ``fields``."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "application/json":
        raise ApiError(415, "send the body as JSON, with Content-Type: application/json")
    raw = await _body(request)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ApiError(400, "body is not UTF-8") from None
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise ApiError(400, f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the body must be a JSON object, not {_kind(data)}")
    unknown = sorted(set(data) - fields)
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r} (expected: {', '.join(sorted(fields))})")
    return data


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _text(value: Any, name: str) -> str:
    """A JSON string as scoring text: lone surrogates (which UTF-8 cannot carry) become U+FFFD."""
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string, not {_kind(value)}")
    return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value


def _required(data: dict, name: str) -> Any:
    if name not in data:
        raise ApiError(400, f"missing field {name!r}")
    return data[name]


def _number(data: dict, name: str, lo: float, hi: float, closed: bool) -> float | None:
    """An optional number in [lo, hi] (``closed``) or (lo, hi); 400 for anything else."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiError(400, f"{name} must be a number, not {_kind(value)}")
    value = float(value)
    ok = lo <= value <= hi if closed else lo < value < hi
    if not ok:
        where = f"between {lo:g} and {hi:g}" if closed else f"strictly between {lo:g} and {hi:g}"
        raise ApiError(400, f"{name} must be {where}")
    return value


async def _call(request: Request, inline: bool, fn: Callable, *args: Any) -> Any:
    """Run ``fn(*args)`` with the app's model lock held: small work on the event loop when the model is
    free, anything else in a thread (so the loop, and /healthz, never wait on a long batch).

    One call at a time per process: the scorer keeps caches that are not safe to share between threads,
    and the GIL leaves little to gain from running two at once (``--workers`` is the way to more cores).
    """
    lock: threading.Lock = request.app.state.model_lock
    if inline and lock.acquire(blocking=False):
        try:
            return fn(*args)
        finally:
            lock.release()

    def locked() -> Any:
        with lock:
            return fn(*args)

    return await run_in_threadpool(locked)


# -- routes ---------------------------------------------------------------------------------------
async def score(request: Request) -> Response:
    """POST /v1/score: the records of ``clickbait score --format jsonl``, in order."""
    data = await _json_object(request, {"headlines", "threshold", "prior"})
    items = _required(data, "headlines")
    if not isinstance(items, list):
        raise ApiError(400, f"headlines must be an array of strings, not {_kind(items)}")
    if len(items) > MAX_HEADLINES:
        raise ApiError(413, f"{len(items):,} headlines; at most {MAX_HEADLINES:,} per request")
    headlines = [_text(h, f"headlines[{i}]") for i, h in enumerate(items)]
    threshold = _number(data, "threshold", 0.0, 1.0, closed=True)
    prior = _number(data, "prior", 0.0, 1.0, closed=False)
    model: Model = request.app.state.model
    cut = model.threshold if threshold is None else threshold
    kwargs: dict[str, Any] = {"threshold": cut}
    if prior is not None:
        if not _SCORE_TAKES_PRIOR:
            raise ApiError(400, "prior is not supported by this version of clickbait")
        kwargs["prior"] = prior
    if not headlines:  # no lines, no records: the CLI never scores an empty chunk either
        return _json({"records": []})
    records = await _call(request, len(headlines) <= INLINE_HEADLINES, lambda: model.score(headlines, **kwargs))
    return _json({"records": records})


async def explain(request: Request) -> Response:
    """POST /v1/explain: the terms of one headline, as ``clickbait explain --format json``."""
    data = await _json_object(request, {"headline"})
    headline = _text(_required(data, "headline"), "headline")
    model: Model = request.app.state.model
    # Only the first 1,000 characters are scored, so this is always quick enough for the event loop.
    return _json(await _call(request, True, model.explain, headline))


async def extract(request: Request) -> Response:
    """POST /v1/extract: the headline records of a saved page, as ``clickbait extract --format jsonl``."""
    data = await _json_object(request, {"page", "suggest", "name"})
    text = _text(_required(data, "page"), "page")
    suggest = data.get("suggest", False)
    if not isinstance(suggest, bool):
        raise ApiError(400, f"suggest must be true or false, not {_kind(suggest)}")
    name = _text(data.get("name") or "", "name")
    model: Model = request.app.state.model

    def run() -> list[dict]:
        check = getattr(pages, "check_page", None)  # refuses empty, binary and HTML pages, as the CLI does
        page = check(text.encode("utf-8"), name or "page") if check is not None else text
        records = pages.extract(page, page=name)
        if suggest and records:  # the same fields `clickbait extract --suggest` adds
            scored = model.score([r["headline"] for r in records])
            for r, s in zip(records, scored):
                r["probability"] = s["probability"]
                r["label"] = None if s["clickbait"] is None else int(s["clickbait"])
        return records

    records = await _call(request, len(text) <= INLINE_PAGE_CHARS, run)
    return _json({"records": records})


async def model_card(request: Request) -> Response:
    """GET /v1/model: the model card of ``clickbait info --format json`` (of the model this server loaded)."""
    return _json(request.app.state.card)


async def openapi(request: Request) -> Response:
    """GET /v1/openapi.json: the API's description."""
    return Response(request.app.state.openapi, media_type="application/json")


async def healthz(request: Request) -> Response:
    """GET /healthz: liveness, without a token."""
    return Response(b'{"status":"ok"}', media_type="application/json")


async def page(request: Request) -> Response:
    """GET / and /static/{name}: the newsroom page, shipped inside the package."""
    name = request.path_params.get("name", "index.html")
    body = request.app.state.static.get(name)
    if body is None:
        raise ApiError(404, "not found")
    return Response(body, media_type=_STATIC[name], headers=_PAGE_HEADERS)


# -- middleware -----------------------------------------------------------------------------------
class BearerAuth:
    """Every ``/v1/*`` request must carry ``Authorization: Bearer TOKEN`` (compared in constant time)."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["path"] == "/v1" or scope["path"].startswith("/v1/")):
            problem = self.check(scope)
            if problem is not None:
                headers = {"www-authenticate": 'Bearer realm="clickbait"'}
                await _error_response(401, problem, headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def check(self, scope: Scope) -> str | None:
        """None when the token is right, else what is wrong with the request."""
        value = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        if value is None:
            return "missing token: send Authorization: Bearer TOKEN"
        scheme, _, credentials = value.strip().partition(b" ")
        ok = hmac.compare_digest(credentials.strip(), self.token)
        if scheme.lower() != b"bearer" or not ok:
            return "wrong token"
        return None


# -- the app --------------------------------------------------------------------------------------
def _read_static() -> dict[str, bytes]:
    folder = resources.files("clickbait.web") / "static"
    return {name: (folder / name).read_bytes() for name in _STATIC}


def check_options(token: str | None, allow_origin: str | None) -> None:
    """Refuse a token a header cannot carry and an origin a browser would never send."""
    if token is not None and not _TOKEN.match(token):
        raise ClickbaitError("the token must be printable ASCII without spaces, and not empty")
    if allow_origin is not None and allow_origin != "*" and not _ORIGIN.match(allow_origin):
        raise ClickbaitError(
            f"--allow-origin {allow_origin!r} is not an origin: scheme://host[:port], no path "
            "or trailing slash (for example https://cms.example.ro), or *"
        )


def create_app(
    model_path: str | Path | None = None,
    token: str | None = None,
    allow_origin: str | None = None,
    *,
    body_timeout: float = BODY_TIMEOUT,
) -> Starlette:
    """The Starlette app with the model at ``model_path`` (default: as the CLI) loaded once.

    ``token``: every ``/v1/*`` call needs ``Authorization: Bearer TOKEN`` (``/`` and ``/healthz`` do not).
    ``allow_origin``: the one origin (or ``*``) whose pages may call the API from a browser; CORS is off
    without it. Raises :class:`ClickbaitError` for a missing or damaged model and for bad options.
    """
    check_options(token, allow_origin)
    model = Model.load(model_path)
    middleware = []
    if allow_origin is not None:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=[allow_origin], allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"], max_age=600,
        ))
    if token is not None:
        middleware.append(Middleware(BearerAuth, token=token))
    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/v1/score", score, methods=["POST"]),
        Route("/v1/explain", explain, methods=["POST"]),
        Route("/v1/extract", extract, methods=["POST"]),
        Route("/v1/model", model_card, methods=["GET"]),
        Route("/v1/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ApiError: _on_api_error,
            ClickbaitError: _on_clickbait_error,
            HTTPException: _on_http_exception,
            Exception: _on_unexpected,
        },
    )
    app.state.model = model
    app.state.model_lock = threading.Lock()
    app.state.card = model.card()
    app.state.static = _read_static()
    app.state.openapi = (resources.files("clickbait.web") / "openapi.json").read_bytes()
    app.state.body_timeout = body_timeout
    return app
