"""CPU time per request of the server's own processes under load (a diagnostic companion of run.py).

Starts `recueil-kg serve` on a store, sends one query from 8 client processes for a few seconds,
and prints requests per second and the CPU time (user + system, from /proc/<pid>/stat) that each
of its processes spent per request: Granian's main process, its HTTP processes (which run the app)
and their query workers.

    .venv/bin/python bench/cpu.py --store build/store                 # answer cache off
    .venv/bin/python bench/cpu.py --store build/store --cache         # answer cache on (the default of the app)
    .venv/bin/python bench/cpu.py --store build/store --mix           # run.py's 24 queries instead of one
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import run  # the benchmark's own helpers (wait_ready, build_specs, ours_request)

QUERY = "PREFIX rkg: <https://w3id.org/recueil-kg/def#> SELECT (COUNT(*) AS ?n) WHERE { ?e a rkg:Experience }"


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> dict[int, int]:
    """The process and everything it started, each with its depth in the tree (0 for `pid`)."""
    out, todo = {pid: 0}, [pid]
    while todo:
        p = todo.pop()
        try:
            children = [int(c) for t in Path(f"/proc/{p}/task").iterdir() for c in (t / "children").read_text().split()]
        except OSError:
            continue
        for c in children:
            out[c] = out[p] + 1
        todo += children
    return out


def client(port: int, seconds: float, requests: list, offset: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    end, done = time.time() + seconds, 0
    while time.time() < end:
        method, path, body, headers = requests[(offset + done) % len(requests)]
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit(f"HTTP {resp.status} for {path} {body!r:.200}")
        done += 1
    return done


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--cache", action="store_true", help="keep the app's answer cache on")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--query", default=QUERY)
    ap.add_argument("--mix", action="store_true", help="cycle through run.py's 24 queries (POST /sparql) instead of --query")
    args = ap.parse_args(argv)
    cap = 1_000_000
    if args.mix:
        requests = [run.ours_request(spec, "sparql") for spec in run.build_specs(cap)[0]]
    else:
        requests = [("POST", "/sparql", urllib.parse.urlencode({"query": args.query}).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})]
    env = dict(os.environ, RECUEIL_STORE_PATH=str(Path(args.store).resolve()), RECUEIL_PORT=str(args.port), RECUEIL_HOST="127.0.0.1",
               RECUEIL_ROW_CAP=str(cap))
    if not args.cache:
        env["RECUEIL_CACHE_BYTES"] = "0"
    server = subprocess.Popen([sys.executable, "-m", "recueil_kg", "--root", str(ROOT), "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run.wait_ready(args.port, "/queries.json", server)
        depth = descendants(server.pid)
        pids = list(depth)
        for k in range(len(requests)):  # warm up: every request once
            client(args.port, 0.001, requests, k)
        before = {p: cpu_seconds(p) for p in pids}
        t0 = time.time()
        with mp.Pool(args.clients) as pool:
            done = sum(pool.starmap(client, [(args.port, args.seconds, requests, k * len(requests) // args.clients)
                                             for k in range(args.clients)]))
        elapsed = time.time() - t0
        after = {p: cpu_seconds(p) for p in pids}
    finally:
        server.terminate()
        server.wait(10)
    print(f"{done / elapsed:.1f} requests/s ({done} in {elapsed:.1f} s, {args.clients} clients, {len(requests)} distinct requests, "
          f"answer cache {'on' if args.cache else 'off'})")
    roles = {0: "main process", 1: "HTTP process", 2: "query worker"}  # (depth 2 also holds multiprocessing's resource tracker)
    total = 0.0
    for p in pids:
        ms = (after[p] - before[p]) / done * 1000
        total += ms
        print(f"  {roles.get(depth[p], 'process')} {p:<8} {ms:.3f} ms CPU per request")
    print(f"  all server processes  {total:.3f} ms CPU per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
