"""How much throughput a Python endpoint can have here at best, beside Oxigraph server (a diagnostic).

run.py's 24-query mix from 8 client processes, the servers taking turns round after round, against:

- Oxigraph server (Rust), data in memory, union default graph;
- a bare WSGI callable under Granian (bench/bare_apps.py:wsgi_app): the query evaluated in the HTTP
  process, pyoxigraph's serialiser, nothing else — no guard, no deadline, no cap, no Flask;
- the same behind Flask (bare_apps.py:flask_app);
- `recueil-kg serve` with its answer cache off (the app: guard, killable query workers, cap, report).

The three Python servers run under Granian with the app's own defaults (RECUEIL_PROCESSES HTTP
processes × RECUEIL_THREADS threads). The bare apps are the ceiling of any endpoint built as a
Python WSGI or Flask app on this machine: whatever the app does beyond them can only lower it.

    .venv/bin/python bench/ceiling.py --store build/store        # ~2 min; bench/results/ceiling.{md,json}
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import run  # the benchmark's own helpers: specs, requests, servers, throughput


def start_bare(target: str, store: Path, processes: int, threads: int, logs: Path) -> dict:
    port = run.free_port()
    log = open(logs / f"ceiling-{target}.log", "w")  # noqa: SIM115 - closed by run.stop_servers
    proc = subprocess.Popen([sys.executable, "-m", "granian", "--interface", "wsgi", "--factory", "--workers", str(processes),
                             "--blocking-threads", str(threads), "--no-ws", "--log-level", "warning", "--host", "127.0.0.1",
                             "--port", str(port), f"bare_apps:{target}"],
                            env=dict(os.environ, RECUEIL_STORE_PATH=str(store)), cwd=str(ROOT / "bench"),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    run.wait_ready(port, "/query", proc, method="POST", body=urllib.parse.urlencode([("query", "ASK {}")]).encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    return {"proc": proc, "port": port, "log": log}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="throughput ceiling of a Python endpoint vs Oxigraph server")
    ap.add_argument("--store", default="build/store", help="on-disk pyoxigraph store, copied into memory by every server")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20, help="seconds of load per server, cut into --rounds turns (default 20)")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--max-requests", type=int, default=20000, help="bound on requests per client (default 20000)")
    args = ap.parse_args(argv)
    store = Path(args.store).resolve()

    from recueil_kg import config as config_mod

    cfg = config_mod.load({}, environ={})
    run.OXIGRAPH_UNION["on"] = True  # every server here evaluates over the union default graph, sent no dataset
    specs, _ = run.build_specs(1_000_000)
    logs = ROOT / "bench" / "results" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    ns = argparse.Namespace(name="ceiling", in_memory=True, oxigraph_timeout=None, oxigraph_union=True, port=None, oxigraph_port=None,
                            row_cap=1_000_000, deadline=120, workers=None, processes=None, memory_quads=cfg["MEMORY_QUADS"], app=None)
    servers = run.start_servers(store, ns, logs)  # recueil-kg serve (answer cache off) and Oxigraph server in memory
    servers["wsgi"] = start_bare("wsgi_app", store, cfg["PROCESSES"], cfg["THREADS"], logs)
    servers["flask"] = start_bare("flask_app", store, cfg["PROCESSES"], cfg["THREADS"], logs)
    try:
        plans = {
            "oxigraph server": (servers["oxigraph"]["port"], [run.oxigraph_request(s) for s in specs]),
            "bare WSGI, in-process": (servers["wsgi"]["port"], [run.oxigraph_request(s) for s in specs]),
            "bare Flask, in-process": (servers["flask"]["port"], [run.oxigraph_request(s) for s in specs]),
            "recueil-kg /sparql": (servers["ours"]["port"], [run.ours_request(s, "sparql") for s in specs]),
        }
        runs = run.run_turns(plans, args.clients, args.duration, args.rounds, args.max_requests, require_ok=True)
    finally:
        run.stop_servers(servers)
    base = runs["oxigraph server"]["rps"]
    rows = [{"server": label, "rps": res["rps"], "ratio": res["rps"] / base if base else 0.0, "errors": res["errors"],
             "rps_per_round": res["rps_per_round"], "p50_ms": res["latency_ms"].get("median"), "p95_ms": res["latency_ms"].get("p95")}
            for label, res in runs.items()]
    doc = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "store": str(store), "clients": args.clients, "duration_s": args.duration,
           "rounds": args.rounds, "queries": [s["name"] for s in specs], "processes": cfg["PROCESSES"], "threads": cfg["THREADS"],
           "machine": run.machine(), "rows": rows}
    lines = [f"# Throughput ceiling — {doc['when']}", "",
             (f"{args.clients} clients, {len(specs)}-query mix, {args.duration:g} s per server in {args.rounds} turns; "
              f"Python servers under Granian, {cfg['PROCESSES']} processes × {cfg['THREADS']} threads."), "",
             "| server | req/s | × Oxigraph server | p50 ms | p95 ms | errors | req/s per turn |", "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['server']} | {r['rps']:.0f} | {r['ratio']:.2f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['errors']} | "
                     f"{', '.join(f'{x:.0f}' for x in r['rps_per_round'])} |")
    out = ROOT / "bench" / "results"
    (out / "ceiling.json").write_text(json.dumps(doc, indent=2))
    (out / "ceiling.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
