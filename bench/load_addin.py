"""Load test of the add-in server on loopback: p50/p99 of snippet and check at N concurrent clients.

The server runs as `docplan serve` would (waitress, the embedded sample workspace) in its own
process; N client threads with keep-alive connections each send R requests per phase. Phases, one
after the other: the trivial endpoint ``GET /api/v1/health`` (the baseline, same server, same
run), ``GET …/snippets/measure/T-01`` and ``POST …/check`` with the rendered Tynset plan (.docx).
Prints p50/p99 in ms and each as a ratio to the baseline's (goal: ≤ 3×). Bounded: N × R requests
per phase and a timeout per request.

Usage: python bench/load_addin.py [--clients 50] [--rounds 4] [--check-rounds 2] [--threads 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 3.0
TOKEN = "demo-3427"
BASE = "/api/v1/plans/osterdalen/municipalities/3427"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(threads: int) -> tuple[subprocess.Popen, int]:
    """Start the server in its own process; return it and its port once /health answers."""
    port = _free_port()
    code = ("from addin_server import create_app; from waitress import serve; "
            f"serve(create_app(), host='127.0.0.1', port={port}, threads={threads}, connection_limit=1000)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start within 30 s")


def phase(port: int, clients: int, rounds: int, method: str, path: str, body: bytes | None = None,
          content_type: str | None = None) -> list[float]:
    """Return the latency (s) of every request of one phase; raise if any request failed."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)
    headers = {"Authorization": f"Bearer {TOKEN}", "Connection": "keep-alive"}
    if content_type:
        headers["Content-Type"] = content_type

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        start.wait()
        try:
            for _ in range(rounds):
                t0 = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - t0)
                if response.status != 200:
                    failures.append(f"{method} {path}: HTTP {response.status}")
        except OSError as exc:
            failures.append(f"{method} {path}: {exc}")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return latencies


def percentiles(values: list[float]) -> tuple[float, float]:
    qs = statistics.quantiles(values, n=100, method="inclusive")
    return qs[49], qs[98]


def run(clients: int = 50, rounds: int = 4, check_rounds: int = 2, threads: int = 8, out=sys.stdout) -> dict:
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    docx = render_plan(load_plan(ROOT / "examples" / "osterdalen.yaml"), municipality="3427")
    proc, port = start_server(threads)
    try:
        phase(port, min(clients, 4), 1, "GET", "/api/v1/health")  # warm up imports and caches
        phase(port, min(clients, 4), 1, "POST", f"{BASE}/check", docx, DOCX)
        results = {
            "health": phase(port, clients, rounds, "GET", "/api/v1/health"),
            "snippet": phase(port, clients, rounds, "GET", f"{BASE}/snippets/measure/T-01"),
            "check": phase(port, clients, check_rounds, "POST", f"{BASE}/check", docx, DOCX),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    base50, base99 = percentiles(results["health"])
    summary: dict = {"clients": clients, "server_threads": threads}
    print(f"docplan add-in server, {clients} concurrent clients on loopback, waitress threads={threads}, "
          f"{os.cpu_count()} CPU(s)", file=out)
    for name, values in results.items():
        p50, p99 = percentiles(values)
        r50, r99 = p50 / base50, p99 / base99
        summary[name] = {"n": len(values), "p50_ms": p50 * 1000, "p99_ms": p99 * 1000,
                         "ratio_p50": r50, "ratio_p99": r99}
        verdict = "" if name == "health" else ("  (goal ≤ 3×: met)" if max(r50, r99) <= GOAL_RATIO
                                                else "  (goal ≤ 3×: NOT met)")
        print(f"  {name:8s} n={len(values):4d}  p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms  "
              f"ratio p50 {r50:6.1f}×  ratio p99 {r99:6.1f}×{verdict}", file=out)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4, help="requests per client for health and snippet")
    parser.add_argument("--check-rounds", type=int, default=2, help="requests per client for check")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    args = parser.parse_args()
    run(args.clients, args.rounds, args.check_rounds, args.threads)


if __name__ == "__main__":
    main()
