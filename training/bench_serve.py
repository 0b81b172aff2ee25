"""The HTTP part of `make bench`: `clickbait serve` under load from a client on the same machine.

For 1 worker and for one worker per core: requests per second and p50/p99 latency of one-title
``POST /v1/score`` requests at concurrency 1 and 16, and titles per second for 1,000-title
batches. The server is the real command in a subprocess (access log on, as in production); the
client is a small asyncio HTTP/1.1 client over keep-alive connections, in this process, sharing
the machine's cores with the server. Nothing is asserted: these are measurements.

    python -m clickbait.training.bench_serve [--quick]

``run(quick)`` returns the table as text (``training/bench.py`` prints it among the others).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "clickbait.npz"
DATA = ROOT / "data" / "headlines.csv"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _titles(n: int) -> list[str]:
    with open(DATA, encoding="utf-8", newline="") as fh:
        texts = [row["headline"] for row in csv.DictReader(fh)]
    rng = random.Random(0)
    return [texts[rng.randrange(len(texts))] for _ in range(n)]


class _Serve:
    """`clickbait serve --workers N` on a free port, until the context ends (SIGTERM)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.port = _free_port()

    def __enter__(self) -> "_Serve":
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLICKBAIT_")}
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "clickbait", "serve", "--model", str(MODEL), "--port", str(self.port),
             "--workers", str(self.workers)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=env, cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"clickbait serve exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        raise RuntimeError("clickbait serve did not answer /healthz within 60 s")

    def errors(self) -> str:
        """The server log's lines that are not access-log lines (its warnings and tracebacks)."""
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace")
        return "\n".join(line for line in text.splitlines() if not line.startswith("INFO:"))

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if exc[0] is not None and self.errors():
            sys.stderr.write(f"clickbait serve said:\n{self.errors()[-3000:]}\n")
        self.log.close()


def _request(port: int, titles: list[str]) -> bytes:
    body = json.dumps({"headlines": titles}, ensure_ascii=False).encode("utf-8")
    return (f"POST /v1/score HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes, expect: int) -> float:
    """Send one request on an open connection and read its whole answer; the seconds it took."""
    t0 = time.perf_counter()
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    took = time.perf_counter() - t0
    if status != 200:
        raise RuntimeError(f"status {status}: {body[:200]!r}")
    if expect and body.count(b'"headline"') != expect:
        raise RuntimeError(f"expected {expect} records, got {body[:200]!r}")
    return took


async def _load(port: int, requests: list[bytes], concurrency: int, per_request: int) -> tuple[float, list[float]]:
    """Run ``requests`` over ``concurrency`` keep-alive connections; wall seconds and each latency."""
    queue = list(reversed(requests))
    latencies: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for _ in range(3):  # warm the connection and the worker
                await _one(reader, writer, requests[0], per_request)
            await start.wait()
            while queue:
                latencies.append(await _one(reader, writer, queue.pop(), per_request))
        finally:
            writer.close()

    start = asyncio.Event()
    tasks = [asyncio.create_task(client()) for _ in range(concurrency)]
    await asyncio.sleep(0.3)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0, latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    cells = [header] + rows
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title]
    for k, r in enumerate(cells):
        lines.append("  " + "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run(quick: bool = False) -> str:
    """Measure and return the table (or one line saying why it was skipped)."""
    if not MODEL.exists():
        return f"HTTP serving: {MODEL.relative_to(ROOT)} is absent (run `make train`); skipped"
    cores = os.cpu_count() or 1
    worker_counts = sorted({1, cores})
    n_single = 600 if quick else 4000
    n_batches = 6 if quick else 30
    singles = _titles(n_single)
    batch_titles = _titles(1000 * n_batches)
    rows: list[list[str]] = []
    for workers in worker_counts:
        with _Serve(workers) as srv:
            one = [_request(srv.port, [t]) for t in singles]
            for concurrency in (1, 16):
                secs, lat = asyncio.run(_load(srv.port, one, concurrency, 1))
                rows.append([str(workers), f"1 title, concurrency {concurrency}", f"{len(lat):,}",
                             f"{len(lat) / secs:,.0f}", f"{1000 * statistics.median(lat):.2f}",
                             f"{1000 * _pct(lat, 0.99):.2f}", f"{len(lat) / secs:,.0f}"])
            batches = [_request(srv.port, batch_titles[i : i + 1000]) for i in range(0, len(batch_titles), 1000)]
            for concurrency in sorted({1, workers}):
                secs, lat = asyncio.run(_load(srv.port, batches, concurrency, 1000))
                rows.append([str(workers), f"1,000 titles, concurrency {concurrency}", f"{len(lat):,}",
                             f"{len(lat) / secs:,.1f}", f"{1000 * statistics.median(lat):.1f}",
                             f"{1000 * _pct(lat, 0.99):.1f}", f"{1000 * len(lat) / secs:,.0f}"])
    title = (f"HTTP serving: clickbait serve (uvicorn + Starlette), POST /v1/score over keep-alive connections; "
             f"{cores} cores shared by server and client{' (quick)' if quick else ''}")
    return _table(title, ["workers", "load", "requests", "req/s", "p50 ms", "p99 ms", "titles/s"], rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer requests")
    args = ap.parse_args(argv)
    print(run(quick=args.quick), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
