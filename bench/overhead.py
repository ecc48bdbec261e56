"""Where the endpoint's time goes, layer by layer, for a few queries (a diagnostic companion of run.py).

For each query, median milliseconds of:
  raw        pyoxigraph query + pyoxigraph's JSON serialiser, in this process
  execute    recueil_kg.workers.execute() in this process (engine + the app's serialiser)
  pool       WorkerPool.run(): the same job sent to a worker process through its pipe
  flask      the Flask app's test client (routing, guard, preset binding, catalogue checks, pool), no HTTP
and how many jobs one request sends to the workers (the preset route checks parameter membership
with extra queries).

    .venv/bin/python bench/overhead.py --store build/store [--app DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def med(fn, n: int) -> float:
    for _ in range(3):
        fn()
    xs = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(xs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--app", help="folder holding the recueil_kg package to measure (default: the installed one)")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--only", help="comma-separated query names (default: a representative few)")
    args = ap.parse_args(argv)
    if args.app:
        sys.path.insert(0, str(Path(args.app).resolve()))
    sys.path.insert(0, str(ROOT / "bench"))
    import pyoxigraph as ox
    import run as bench

    from recueil_kg.app import create_app
    from recueil_kg.workers import execute

    store_path = str(Path(args.store).resolve())
    names = set((args.only or "count-experiences,describe-experience,experiences-by-theme,experiences-by-funder,"
                 "experiences-in-territory,experiences-by-actor-type,budgets-above-threshold").split(","))
    specs = [s for s in bench.build_specs(1_000_000)[0] if s["name"] in names]
    store = ox.Store.read_only(store_path)
    app = create_app({"ROOT": str(ROOT), "STORE_PATH": store_path, "ROW_CAP": 1_000_000, "DEADLINE": 120})
    backend = app.extensions["recueil"]["backend"]
    calls = {"n": 0}
    original = backend.run

    def counting(job, deadline):
        calls["n"] += 1
        return original(job, deadline)

    backend.run = counting
    client = app.test_client()
    print("| query | raw | execute() | WorkerPool.run | Flask test client | worker jobs per request |")
    print("|---|---:|---:|---:|---:|---:|")
    try:
        for spec in specs:
            job = bench.execute_job(spec)
            method, path, body, headers = bench.ours_request(spec, "preset" if spec["preset"] else "sparql")

            def flask_call():
                r = client.open(path, method=method, data=body, headers=headers)
                assert r.status_code == 200, r.data[:200]
                return r.data

            raw = med(lambda: bench.raw_run(store, spec), args.reps)
            exe = med(lambda: execute(store, job), args.reps)
            pool = med(lambda: original(job, 120), args.reps)
            flask_call()
            calls["n"] = 0
            flask_call()
            per = calls["n"]
            fl = med(flask_call, args.reps)
            print(f"| {spec['name']} | {raw:.3f} | {exe:.3f} | {pool:.3f} | {fl:.3f} | {per} |", flush=True)
    finally:
        backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
