"""`clickbait serve` end to end: the real server in a subprocess, a real HTTP client, the real CLI to compare.

Two servers serve most tests: ``plain`` (no token, no CORS) and ``secured`` (a token from
$CLICKBAIT_TOKEN, one allowed origin, a 1-second request timeout). Each is stopped by a signal
at the end and must exit with status 0 and a log without a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.serverproc import Server, free_port

TOKEN = "t0ken-for-tests"
ORIGIN = "https://cms.example.ro"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

HEADLINES = [
    "INEDIT Ce a găsit un pescar în Delta Dunării",
    "Guvernul a aprobat bugetul pe 2027",
    "",
    "   ",
    "FLASH NEWS Cutremur în Vrancea, resimțit la București",
    "Nu o să-ți vină să crezi ce a făcut acest actor",
    "Liderii UE s-au întâlnit la Bruxelles. Ce au decis",
    "Ministrul a declarat: «Nu demisionez»",
    "Şcoala din Ţăndărei se închide",  # cedilla letters
    "Ce urmează? 🙂 Totul despre noul impozit",
    "CONTROVERSA Primarul care a refuzat să scoată utilajele",
    "BNR a anunțat un nou curs record pentru euro",
    "x" * 1500,
    "Tab\tinside and a form feed\x0c too",
]


def cli_jsonl(*args: str, input: str | None = None) -> list[dict]:
    """Records of the real CLI (`python -m clickbait ARGS`), one per output line."""
    r = subprocess.run([sys.executable, "-m", "clickbait", *args], input=(input or "").encode("utf-8"),
                       capture_output=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return [json.loads(line) for line in r.stdout.decode("utf-8").split("\n") if line]


def cli_json(*args: str):
    r = subprocess.run([sys.executable, "-m", "clickbait", *args], capture_output=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout.decode("utf-8"))


def finish(server: Server, sig: int) -> None:
    code = server.stop(sig)
    log = server.output()
    assert code == 0, f"exit status {code} after signal {sig}:\n{log}"
    assert "Traceback" not in log, log
    server.remove_log()


@pytest.fixture(scope="module")
def plain(trained):
    server = Server(trained.path)
    yield server
    finish(server, signal.SIGTERM)


@pytest.fixture(scope="module")
def secured(trained):
    server = Server(trained.path, "--allow-origin", ORIGIN,
                    env={"CLICKBAIT_TOKEN": TOKEN, "CLICKBAIT_SERVE_TIMEOUT": "1"})
    yield server
    finish(server, signal.SIGINT)  # Ctrl-C


@pytest.fixture(scope="module")
def cli_records(trained):
    return cli_jsonl("score", "--format", "jsonl", "--model", str(trained.path), input="\n".join(HEADLINES) + "\n")


# -- the endpoints --------------------------------------------------------------------------------
def test_healthz_and_the_page(plain):
    r = plain.get("/healthz")
    assert (r.status, r.json) == (200, {"status": "ok"})
    page = plain.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "Verificare clickbait" in page.body.decode("utf-8") and '<html lang="ro">' in page.body.decode("utf-8")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        r = plain.get(f"/static/{name}")
        assert r.status == 200 and r.headers["content-type"].startswith(kind) and r.body
    for path in ("/static/nope.js", "/static/../app.py", "/nowhere", "/v1/nowhere"):
        r = plain.get(path)
        assert r.status == 404 and r.json == {"error": "not found"}


def test_score_gives_exactly_the_cli_records(plain, cli_records):
    assert len(cli_records) == len(HEADLINES)
    r = plain.post("/v1/score", {"headlines": HEADLINES})
    assert r.status == 200, r
    assert r.json == {"records": cli_records}
    blank = r.json["records"][2]
    assert blank["headline"] == "" and blank["probability"] is None and blank["clickbait"] is None


def test_score_threshold_and_prior_as_the_cli(plain, trained):
    base = ["--format", "jsonl", "--model", str(trained.path)]
    lines = "\n".join(HEADLINES) + "\n"
    r = plain.post("/v1/score", {"headlines": HEADLINES, "threshold": 0.9})
    assert r.json["records"] == cli_jsonl("score", *base, "--threshold", "0.9", input=lines)
    r = plain.post("/v1/score", {"headlines": HEADLINES, "threshold": 0})
    assert all(rec["clickbait"] in (True, None) for rec in r.json["records"])
    r = plain.post("/v1/score", {"headlines": HEADLINES, "prior": 0.2})
    assert r.status == 200, r
    assert r.json["records"] == trained.model.score(HEADLINES, threshold=trained.model.threshold, prior=0.2)
    help_text = subprocess.run([sys.executable, "-m", "clickbait", "score", "--help"], capture_output=True, cwd=ROOT).stdout
    if b"--prior" in help_text:
        assert r.json["records"] == cli_jsonl("score", *base, "--prior", "0.2", input=lines)


def test_score_empty_list_and_the_limit(plain):
    assert plain.post("/v1/score", {"headlines": []}).json == {"records": []}
    many = [f"Titlul numărul {i}" for i in range(10_000)]
    r = plain.post("/v1/score", {"headlines": many})
    assert r.status == 200 and [rec["headline"] for rec in r.json["records"]] == many


def test_explain_as_the_cli(plain, trained):
    for headline in ("Liderii UE s-au întâlnit la Bruxelles. Ce au decis", "INEDIT Ce a găsit un pescar", ""):
        r = plain.post("/v1/explain", {"headline": headline})
        assert r.status == 200, r
        assert r.json == cli_json("explain", "--format", "json", "--model", str(trained.path), headline)


def test_extract_as_the_cli(plain, trained, tmp_path):
    page = FIXTURES / "pages" / "p02_two_rails.txt"
    text = page.read_text(encoding="utf-8")
    r = plain.post("/v1/extract", {"page": text, "name": str(page)})  # `name`: what the CLI shows as `page`
    assert r.status == 200, r
    assert r.json["records"] == cli_jsonl("extract", "--format", "jsonl", str(page))
    r = plain.post("/v1/extract", {"page": text, "name": str(page), "suggest": True})
    expected = cli_jsonl("extract", "--format", "jsonl", "--suggest", "--model", str(trained.path), str(page))
    assert r.json["records"] == expected and "probability" in expected[0]
    assert {rec["page"] for rec in plain.post("/v1/extract", {"page": text}).json["records"]} == {""}
    # What the CLI refuses as a page, the API refuses too, with the same message.
    html = "<!doctype html><html><body><h1>Titlu</h1></body></html>"
    page_html = tmp_path / "p.html"
    page_html.write_text(html, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "clickbait", "extract", str(page_html)], capture_output=True, cwd=ROOT)
    r = plain.post("/v1/extract", {"page": html, "name": str(page_html)})
    if cli.returncode == 1:
        assert r.status == 400 and r.json["error"] in cli.stderr.decode(), (r, cli.stderr)
    else:
        assert r.status == 200


def test_model_card_as_the_cli(plain, trained):
    r = plain.get("/v1/model")
    assert r.status == 200
    assert r.json == cli_json("info", "--format", "json", "--model", str(trained.path))


def test_every_path_in_the_openapi_description_answers(plain):
    spec = plain.get("/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    bodies = {
        "/v1/score": {"headlines": ["Ce a urmat te va lăsa fără cuvinte"]},
        "/v1/explain": {"headline": "Ce a urmat te va lăsa fără cuvinte"},
        "/v1/extract": {"page": (FIXTURES / "pages" / "p01_no_rail.txt").read_text(encoding="utf-8")},
    }
    seen = set()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            r = plain.request(method.upper(), path, bodies.get(path) if method == "post" else None)
            assert r.status == 200 and "200" in op["responses"], (path, method, r)
            assert r.headers["content-type"].startswith("application/json")
            seen.add(path)
    assert {"/healthz", "/v1/score", "/v1/explain", "/v1/extract", "/v1/model", "/v1/openapi.json"} <= seen


# -- bad input ------------------------------------------------------------------------------------
BAD = [
    ("/v1/score", b'{"headlines": ["a", ', 400, "malformed JSON"),
    ("/v1/score", b"", 400, "malformed JSON"),
    ("/v1/score", b'["a", "b"]', 400, "must be a JSON object"),
    ("/v1/score", b'{}', 400, "missing field 'headlines'"),
    ("/v1/score", b'{"headlines": "one title"}', 400, "headlines must be an array"),
    ("/v1/score", b'{"headlines": ["ok", 7]}', 400, "headlines[1] must be a string"),
    ("/v1/score", b'{"headlines": [null]}', 400, "headlines[0] must be a string"),
    ("/v1/score", b'{"headlines": ["a"], "threshold": "high"}', 400, "threshold must be a number"),
    ("/v1/score", b'{"headlines": ["a"], "threshold": 1.5}', 400, "threshold must be between 0 and 1"),
    ("/v1/score", b'{"headlines": ["a"], "threshold": true}', 400, "threshold must be a number"),
    ("/v1/score", b'{"headlines": ["a"], "threshold": NaN}', 400, "malformed JSON"),
    ("/v1/score", b'{"headlines": ["a"], "prior": 0}', 400, "prior must be strictly between 0 and 1"),
    ("/v1/score", b'{"headlines": ["a"], "prior": 1}', 400, "prior must be strictly between 0 and 1"),
    ("/v1/score", b'{"headlines": ["a"], "prior": "0.2"}', 400, "prior must be a number"),
    ("/v1/score", b'{"headlines": ["a"], "prior": 1e400}', 400, "prior must be strictly between"),
    ("/v1/score", b'{"headlines": ["a"], "treshold": 0.5}', 400, "unknown field 'treshold'"),
    ("/v1/score", b'{"headlines": ["\xff\xfe"]}', 400, "not UTF-8"),
    ("/v1/score", b"[" * 100_000, 400, "malformed JSON"),
    ("/v1/explain", b'{"headline": 5}', 400, "headline must be a string"),
    ("/v1/explain", b'{"title": "x"}', 400, "unknown field 'title'"),
    ("/v1/explain", b'{}', 400, "missing field 'headline'"),
    ("/v1/extract", b'{"page": ["x"]}', 400, "page must be a string"),
    ("/v1/extract", b'{"page": "x", "suggest": "yes"}', 400, "suggest must be true or false"),
    ("/v1/extract", b'{"suggest": true}', 400, "missing field 'page'"),
]


@pytest.mark.parametrize("path,body,status,message", BAD, ids=[f"{p} {b[:30]!r}" for p, b, _, _ in BAD])
def test_bad_input_is_a_4xx_with_a_message(plain, path, body, status, message):
    r = plain.post(path, body, headers={"Content-Type": "application/json"})
    assert r.status == status, r
    assert r.headers["content-type"] == "application/json" and message in r.json["error"], r


def test_a_body_that_is_not_json_is_refused(plain):
    r = plain.post("/v1/score", b'{"headlines": ["a"]}', headers={"Content-Type": "text/plain"})
    assert r.status == 415 and "application/json" in r.json["error"]
    r = plain.post("/v1/score", b'headlines=a', headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 415


def test_lone_surrogates_are_replaced_not_a_500(plain):
    r = plain.post("/v1/score", b'{"headlines": ["Ce \\ud800 urmeaza"]}', headers={"Content-Type": "application/json"})
    assert r.status == 200 and r.json["records"][0]["headline"] == "Ce \ufffd urmeaza"


def test_too_many_headlines_or_too_large_a_body_is_413(plain):
    r = plain.post("/v1/score", {"headlines": ["a"] * 10_001})
    assert r.status == 413 and "10,000" in r.json["error"]
    big = json.dumps({"headlines": ["x" * 1000] * 1100}).encode()  # 1.1 MB, announced by Content-Length
    r = plain.post("/v1/score", big, headers={"Content-Type": "application/json"})
    assert r.status == 413 and "1,000,000 bytes" in r.json["error"]
    r = plain.post("/v1/explain", json.dumps({"headline": "y" * 1_100_000}).encode(), headers={"Content-Type": "application/json"})
    assert r.status == 413
    # Chunked: no Content-Length, so the server counts as it reads.
    conn = plain.connection()
    chunks = (big[i : i + 65536] for i in range(0, len(big), 65536))
    conn.request("POST", "/v1/score", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True)
    resp = conn.getresponse()
    assert resp.status == 413 and "bytes" in json.loads(resp.read())["error"]
    conn.close()
    # A client that asks first (Expect: 100-continue, as curl does for large bodies) sends nothing.
    with socket.create_connection((plain.host, plain.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("method,path", [("GET", "/v1/score"), ("PUT", "/v1/explain"), ("GET", "/v1/extract"),
                                         ("POST", "/v1/model"), ("DELETE", "/healthz"), ("POST", "/")])
def test_wrong_method_is_405(plain, method, path):
    r = plain.request(method, path, b"{}", headers={"Content-Type": "application/json"})
    assert r.status == 405 and "allow" in r.headers and "not allowed" in r.json["error"], r


# -- token and CORS -------------------------------------------------------------------------------
def test_token_guards_the_api_but_not_healthz_or_the_page(secured):
    body = {"headlines": ["Ce a urmat te va lăsa fără cuvinte"]}
    r = secured.post("/v1/score", body)
    assert r.status == 401 and "missing token" in r.json["error"] and r.headers["www-authenticate"].startswith("Bearer")
    for value in (f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN[:-1]}"):
        r = secured.post("/v1/score", body, headers={"Authorization": value})
        assert r.status == 401 and r.json == {"error": "wrong token"}, value
    for path in ("/v1/model", "/v1/openapi.json", "/v1/nowhere"):
        assert secured.get(path).status == 401
    r = secured.post("/v1/score", body, headers=AUTH)
    assert r.status == 200 and len(r.json["records"]) == 1
    assert secured.post("/v1/score", body, headers={"Authorization": f"bearer {TOKEN}"}).status == 200
    assert secured.get("/v1/model", headers=AUTH).status == 200
    assert secured.get("/healthz").json == {"status": "ok"}
    assert secured.get("/").status == 200 and secured.get("/static/app.js").status == 200


def test_cors_only_for_the_named_origin(plain, secured):
    body = {"headlines": ["Un titlu"]}
    r = secured.post("/v1/score", body, headers={**AUTH, "Origin": ORIGIN})
    assert r.status == 200 and r.headers["access-control-allow-origin"] == ORIGIN
    r = secured.post("/v1/score", body, headers={**AUTH, "Origin": "https://evil.example"})
    assert r.status == 200 and "access-control-allow-origin" not in r.headers
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    r = secured.request("OPTIONS", "/v1/score", headers=preflight)
    assert r.status == 200 and r.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "authorization" in r.headers["access-control-allow-headers"].lower()
    r = secured.request("OPTIONS", "/v1/score", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    # Without --allow-origin: no CORS header at all, and a preflight is just a wrong method.
    r = plain.post("/v1/score", body, headers={"Origin": ORIGIN})
    assert r.status == 200 and not any(k.startswith("access-control-") for k in r.headers)
    r = plain.request("OPTIONS", "/v1/score", headers=preflight)
    assert r.status == 405 and not any(k.startswith("access-control-") for k in r.headers)


# -- load and slow clients ------------------------------------------------------------------------
def test_concurrent_requests_all_answer_right(plain, trained):
    # Distinct training titles, so that the server meets new words in every request, at the same time
    # on its event loop (one-title requests) and in its threads (400-title batches).
    singles = trained.texts[:1600]
    batches = [trained.texts[1600 + 400 * b : 2000 + 400 * b] for b in range(8)]
    every = singles + [t for b in batches for t in b]
    expected = cli_jsonl("score", "--format", "jsonl", "--model", str(trained.path), input="\n".join(every) + "\n")
    assert len(expected) == len(every)
    want = dict(zip(every, expected))
    failures: list[str] = []
    done = []

    def one_title_requests(k: int) -> None:
        conn = plain.connection()
        try:
            for title in singles[100 * k : 100 * (k + 1)]:
                r = plain.post("/v1/score", {"headlines": [title]}, conn=conn)
                if r.status != 200 or r.json != {"records": [want[title]]}:
                    failures.append(f"{k}: {r}")
                done.append(1)
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread
            failures.append(f"{k}: {exc!r}")
        finally:
            conn.close()

    def batch_requests(k: int) -> None:
        conn = plain.connection()
        try:
            for batch in batches[2 * k : 2 * k + 2]:
                r = plain.post("/v1/score", {"headlines": batch}, conn=conn)
                if r.status != 200 or r.json != {"records": [want[t] for t in batch]}:
                    failures.append(f"batch {k}: {r}")
        except Exception as exc:  # noqa: BLE001
            failures.append(f"batch {k}: {exc!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=one_title_requests, args=(k,)) for k in range(16)]
    threads += [threading.Thread(target=batch_requests, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures[:5]
    assert len(done) == 1600


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_slow_clients_time_out_while_healthz_answers(secured):
    addr = (secured.host, secured.port)
    idle = [socket.create_connection(addr) for _ in range(50)]  # a flood that never sends a byte
    slow_headers = socket.create_connection(addr)
    slow_headers.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-")
    slow_body = socket.create_connection(addr)
    slow_body.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 100\r\n\r\n{\"head")
    try:
        assert secured.get("/healthz", timeout=5).json == {"status": "ok"}
        for sock in [slow_headers, slow_body, *idle]:
            sock.settimeout(10)
        got = read_all(slow_headers)
        assert got.startswith(b"HTTP/1.1 408") and b'"error"' in got, got
        got = read_all(slow_body)
        assert got.startswith(b"HTTP/1.1 408") and b"not received in time" in got, got
        for sock in idle:
            assert sock.recv(100) == b""  # closed by the server
        assert secured.get("/healthz", timeout=5).status == 200
    finally:
        for sock in [slow_headers, slow_body, *idle]:
            sock.close()


# -- the command ----------------------------------------------------------------------------------
def test_workers_token_flag_and_sigterm(trained):
    server = Server(trained.path, "--workers", "2", "--token", TOKEN)
    try:
        r = server.post("/v1/score", {"headlines": [HEADLINES[0]]}, headers=AUTH)
        assert r.status == 200 and r.json["records"] == trained.model.score([HEADLINES[0]])
        assert server.post("/v1/score", {"headlines": ["x"]}).status == 401
    finally:
        finish(server, signal.SIGTERM)


def run_serve(*args: str, env: dict | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("CLICKBAIT_")}
    return subprocess.run([sys.executable, "-m", "clickbait", "serve", *args], capture_output=True,
                          cwd=ROOT, timeout=timeout, env={**full, **(env or {})})


def test_bad_settings_fail_with_one_line(trained, tmp_path):
    missing = tmp_path / "none.npz"
    port = str(free_port())
    cases = [
        (["--model", str(missing), "--port", port], "model file not found"),
        (["--model", str(trained.path), "--port", port, "--allow-origin", "https://cms.example.ro/"], "is not an origin"),
        (["--model", str(trained.path), "--port", port, "--token", "two words"], "printable ASCII"),
    ]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        cases.append((["--model", str(trained.path), "--port", str(busy.getsockname()[1])], "cannot listen"))
        for args, message in cases:
            r = run_serve(*args)
            err = r.stderr.decode()
            assert r.returncode == 1 and message in err and "Traceback" not in err, (args, err)
            assert err.count("\n") == 1 and err.startswith("clickbait: error: "), err
    r = run_serve("--model", str(trained.path), "--port", port, env={"CLICKBAIT_SERVE_TIMEOUT": "soon"})
    assert r.returncode == 1 and "CLICKBAIT_SERVE_TIMEOUT" in r.stderr.decode()


def test_score_never_imports_the_server_packages(trained):
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: sys.stderr.write('WEB ' + repr(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('starlette', 'uvicorn', 'anyio', 'h11') or m.startswith('clickbait.web')))))\n"
        "from clickbait.cli import main\n"
        "main(['score', '--format', 'jsonl', '--model', sys.argv[1], 'Un titlu'])\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(trained.path)], capture_output=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0
    assert r.stderr.decode().strip().endswith("WEB []"), r.stderr.decode()
