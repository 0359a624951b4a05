"""Benchmark: throughput of `docplan serve --workers 2` against `--workers 1`, check and catalogue, on loopback.

Both servers run at once as real ``docplan serve`` processes on one copy of the sample workspace; each
round sends the same burst (C clients with keep-alive connections, R requests each, every client its own
municipality's token and rendered edition) to one server and then to the other (`timing.interleaved`), so
load from elsewhere on the machine hits both alike. The figure is the median over the rounds of
time(1 worker) / time(2 workers), i.e. the throughput ratio, with its spread; goal ≥ 1.5× for check.

Run: ``python bench/bench_serve.py [--clients 8] [--requests 6] [--rounds 9] [--threads 8] [--postgres]``
(``--postgres``: the same on a throwaway PostgreSQL cluster instead of a folder).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from timing import interleaved, median_time, ratio  # noqa: E402

GOAL = 1.5
PLAN = "osterdalen"
NUMBERS = ("3422", "3423", "3424", "3425", "3426", "3427", "3428", "3429", "3430")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(where: list[str], workers: int, threads: int, jobs: int | None = None) -> tuple[subprocess.Popen, int]:
    """Start ``docplan serve --workers N`` and return it with its port once /health answers.

    ``where``: ``--workspace DIR`` or ``--database URL``; ``jobs``: document processes per server process
    (DOCPLAN_WORKERS), the app's default when None."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if jobs is not None:
        env["DOCPLAN_WORKERS"] = str(jobs)
    proc = subprocess.Popen([sys.executable, "-m", "docplan", "serve", *where, "--port",
                             str(port), "--workers", str(workers), "--threads", str(threads)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"docplan serve --workers {workers} stopped (exit {proc.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/health")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not answer within 60 s")


def tree_cpu(pid: int) -> float | None:
    """Return the CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc;
    None elsewhere). Counting CPU rather than wall time gives a request's cost even on a busy machine."""
    proc = Path("/proc")
    if not (proc / str(pid) / "stat").exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == current)
    return total


def burst(port: int, clients: int, requests: int, endpoint: str, docs: dict[str, bytes]) -> None:
    """Send ``clients`` × ``requests`` requests at once; raise if any failed."""
    failures: list[str] = []
    gate = threading.Barrier(clients)

    def client(i: int) -> None:
        number = NUMBERS[i % len(NUMBERS)]
        base = f"/api/v1/plans/{PLAN}/municipalities/{number}"
        headers = {"Authorization": f"Bearer demo-{number}"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        gate.wait()
        try:
            for _ in range(requests):
                if endpoint == "check":
                    conn.request("POST", f"{base}/check", body=docs[number], headers={**headers, "Content-Type": DOCX})
                else:
                    conn.request("GET", f"{base}/catalogue", headers=headers)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    failures.append(f"{endpoint}: HTTP {r.status}")
        except OSError as exc:
            failures.append(f"{endpoint}: {exc}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")


def compare(where: list[str], docs: dict[str, bytes], *, clients: int, requests: int, rounds: int, threads: int,
            jobs: int | None, endpoints: tuple[str, ...], out) -> dict:
    """Run ``--workers 1`` and ``--workers 2`` side by side; return each endpoint's req/s and ratio."""
    servers = []
    try:
        for workers in (1, 2):
            servers.append(start(where, workers, threads, jobs))
        (_, port1), (_, port2) = servers
        pool = "the default job pool" if jobs is None else f"{jobs} document process(es) per server process"
        print(f" with {pool}:", file=out)
        result = {}
        for endpoint in endpoints:
            for port in (port1, port2):  # warm up: job pools, caches, every worker
                burst(port, clients, 2, endpoint, docs)
            cpu_before = tree_cpu(servers[0][0].pid)
            times = interleaved([lambda: burst(port1, clients, requests, endpoint, docs),
                                 lambda: burst(port2, clients, requests, endpoint, docs)], rounds)
            n = clients * requests
            cpu_after = tree_cpu(servers[0][0].pid)
            speedup = ratio(times, 0, base=1)  # time(1 worker) / time(2 workers) = throughput ratio
            rps1, rps2 = n / median_time(times, 0), n / median_time(times, 1)
            cpu_ms = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) / (n * rounds) * 1000
            result[endpoint] = {"rps_1": rps1, "rps_2": rps2, "ratio": speedup, "cpu_ms": cpu_ms}
            goal = f" (goal ≥ {GOAL}x: {'met' if speedup.median >= GOAL else 'NOT met'})" if endpoint == "check" else ""
            cost = "" if cpu_ms is None else f"; CPU per request (1 worker, all its processes) {cpu_ms:.1f} ms"
            print(f"  {endpoint:9s} 1 worker {rps1:6.1f} req/s   2 workers {rps2:6.1f} req/s   "
                  f"2 / 1: {speedup}{goal}{cost}", file=out)
        if "check" in endpoints and clients > 1:
            # the same requests from one client, one after the other, against all clients at once (1 worker)
            times = interleaved([lambda: burst(port1, 1, clients * requests, "check", docs),
                                 lambda: burst(port1, clients, requests, "check", docs)], rounds)
            scaling = ratio(times, 0, base=1)
            result["check_clients"] = {"rps_serial": clients * requests / median_time(times, 0),
                                       "rps_concurrent": clients * requests / median_time(times, 1), "ratio": scaling}
            print(f"  check, 1 worker: {clients} clients at once / 1 client: {scaling} "
                  f"({result['check_clients']['rps_serial']:.1f} → {result['check_clients']['rps_concurrent']:.1f} "
                  f"req/s)", file=out)
        return result
    finally:
        for proc, _ in servers:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(clients: int = 8, requests: int = 6, rounds: int = 9, threads: int = 8,
        pools: tuple[int | None, ...] = (None, 1), database: str | None = None, out=sys.stdout) -> dict:
    """Return, per job-pool setting and endpoint, each server's median requests per second and the ratio.

    ``pools``: document processes per server process to compare under (None: the app's default, 4).
    ``database``: serve from this PostgreSQL database (the sample is imported into it) instead of a folder."""
    from addin_server.workspace import Workspace, sample_root
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    plan = load_plan(sample_root() / "plans" / f"{PLAN}.yaml")
    docs = {n: render_plan(plan, municipality=n) for n in NUMBERS}
    folder = Path(tempfile.mkdtemp(prefix="docplan-bench-serve-"))
    shutil.copytree(sample_root(), folder / "workspace")
    where = ["--workspace", str(folder / "workspace")]
    if database:
        from addin_server.postgres import PostgresStorage
        from addin_server.storage import copy_workspace

        target = PostgresStorage.open(database, pool_size=1)
        try:
            copy_workspace(Workspace.open(folder / "workspace"), target)
        finally:
            target.close()
        where = ["--database", database]
    backend = "PostgreSQL" if database else "a folder"
    print(f"docplan serve --workers 1 vs --workers 2 on one workspace ({backend}): {clients} clients × {requests} "
          f"requests per burst, {threads} threads per process, {os.cpu_count()} CPU(s); bursts alternate, "
          f"{rounds} rounds", file=out)
    summary: dict = {"clients": clients, "requests": clients * requests, "cpus": os.cpu_count()}
    try:
        for jobs in pools:
            endpoints = ("check", "catalogue") if jobs is None else ("check",)
            summary["default" if jobs is None else f"jobs={jobs}"] = compare(
                where, docs, clients=clients, requests=requests, rounds=rounds, threads=threads,
                jobs=jobs, endpoints=endpoints, out=out)
        return summary
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=6, help="requests per client and burst")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--threads", type=int, default=8, help="threads per server process")
    ap.add_argument("--only-default", action="store_true", help="skip the run with one document process each")
    ap.add_argument("--database", help="serve from this (empty) PostgreSQL database instead of a folder")
    ap.add_argument("--postgres", action="store_true",
                    help="serve from a throwaway PostgreSQL cluster (tests/addin_server/pgcluster.py)")
    args = ap.parse_args()
    pools = (None,) if args.only_default else (None, 1)
    cluster = None
    if args.postgres:
        from tests.addin_server import pgcluster

        if pgcluster.why_not():
            sys.exit(pgcluster.why_not())
        cluster = pgcluster.Cluster()
        args.database = cluster.new_database()
    try:
        run(args.clients, args.requests, args.rounds, args.threads, pools=pools, database=args.database)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
