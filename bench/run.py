"""Performance benchmark of the recueil-kg SPARQL endpoint against the raw engine and Oxigraph server.

In one run, on one on-disk store (the real build, or the synthetic store from bench/generate.py):

1. latency, one query at a time, of every preset query (default parameters, bound as the app binds
   them) and of a few typical SPARQL queries, measured
   * raw:      pyoxigraph .query(...) in this process, on the store as the app's workers hold it (a
               copy in memory when small enough, else the on-disk store read-only), all results serialised
               by pyoxigraph's own serialiser (SPARQL JSON, or N-Triples for graph results);
   * execute:  the app's worker function recueil_kg.workers.execute() in this process (the engine +
               the app's own result serialisation, without HTTP and without the worker pipe);
   * endpoint: HTTP requests to `recueil-kg serve` (Granian, query worker processes) on 127.0.0.1,
               presets through /queries/<id>.json, other queries through POST /sparql;
   * sparql:   (presets only) the same preset sent to POST /sparql with its parameters written in
               as a VALUES block, i.e. without the preset route's own work;
   * oxigraph: the same SPARQL text (parameters as a VALUES block) sent to `oxigraph serve-read-only`
               on the same store, with the same dataset (default-graph-uri/named-graph-uri);
2. throughput of 8 concurrent clients (processes, persistent connections) for a bounded time,
   against our endpoint and against Oxigraph server, with the same requests.

Results are printed as Markdown and written to bench/results/<name>.md and <name>.json.

    .venv/bin/python bench/run.py --store build/store
    .venv/bin/python bench/run.py --store bench/data/synthetic-store --reps 5
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing as mp
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
JSON_MEDIA = "application/sparql-results+json"
NT_MEDIA = "application/n-triples"
# The app's own names, written out here so that this module imports no recueil_kg code at import time
# (`--app` chooses which copy of the app is benchmarked; the client processes import nothing of it).
BASE = "https://w3id.org/recueil-kg/"
ALL_GRAPHS = [BASE + "graph/" + g for g in ("ontology", "asserted", "reference", "inferred")]
NS = {"rkg": BASE + "def#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "skos": "http://www.w3.org/2004/02/skos/core#",
      "igeo": "http://rdf.insee.fr/def/geo#", "exp": BASE + "id/experience/", "terr": BASE + "id/territory/",
      "theme": BASE + "id/concept/theme/", "prog": BASE + "id/concept/programme/"}
PFX = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in NS.items())

TYPICAL = [  # (name, what it exercises, query)
    ("count-experiences", "count", PFX + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a rkg:Experience }"),
    ("count-per-graph", "count, full scan", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"),
    ("join-funding", "5-way join + language filters", PFX + """SELECT ?experience ?title ?funderName ?programmeLabel WHERE {
  ?experience rkg:hasFundingLine ?line ; rdfs:label ?title . FILTER(lang(?title) = "fr")
  ?line rkg:funder ?funder ; rkg:programme ?programme .
  ?funder rdfs:label ?funderName . FILTER(lang(?funderName) = "fr" || lang(?funderName) = "")
  ?programme skos:prefLabel ?programmeLabel . FILTER(lang(?programmeLabel) = "fr")
}"""),
    ("aggregate-amounts", "GROUP BY + SUM/AVG/MAX", PFX + """SELECT ?level (COUNT(?line) AS ?lines) (SUM(?amount) AS ?total) (AVG(?amount) AS ?mean) (MAX(?amount) AS ?max)
WHERE { ?line a rkg:FundingLine ; rkg:level ?level ; rkg:amount ?amount }
GROUP BY ?level ORDER BY DESC(?total)"""),
    ("path-within", "property path (sequence + *)", PFX + """SELECT ?experience ?place WHERE {
  ?experience rkg:territory/rkg:within* terr:region-84 ; rkg:territory ?place .
}"""),
    ("describe-experience", "DESCRIBE", PFX + "DESCRIBE exp:usine-vivante"),
    ("construct-involvement", "CONSTRUCT + path", PFX + """CONSTRUCT { ?e rkg:involves ?a . ?a rdfs:label ?l }
WHERE { ?e rkg:theme theme:economy ; rkg:hasActorRole/rkg:agent ?a . ?a rdfs:label ?l }"""),
]


# ------------------------------------------------------------------ statistics

def pctl(values: list[float], q: float) -> float:
    """Percentile with linear interpolation between closest ranks (q in 0..100)."""
    xs = sorted(values)
    if not xs:
        return math.nan
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(ms: list[float]) -> dict:
    return {"median": statistics.median(ms), "p95": pctl(ms, 95), "min": min(ms), "max": max(ms), "n": len(ms)} if ms else {}


# ------------------------------------------------------------------ the queries

def inline_values(query: str, subs: dict) -> str:
    """The query with its substitutions written as a VALUES block at the start of the outer WHERE
    group, so that FILTERs of that group see them, as pyoxigraph substitutions do."""
    if not subs:
        return query
    names = " ".join(f"?{k}" for k in subs)
    terms = " ".join(str(t) for t in subs.values())
    m = re.search(r"WHERE\s*\{", query, re.IGNORECASE)
    return query[:m.end()] + f"\n  VALUES ({names}) {{ ({terms}) }}" + query[m.end():]


def build_specs(row_cap: int) -> tuple[list[dict], list[str]]:
    from recueil_kg.presets import bind, load_presets, with_values

    specs, skipped = [], []
    for p in load_presets(ROOT / "queries").values():
        if p.federated:
            skipped.append(p.id)
            continue
        subs, lists = bind(p, {})
        query = with_values(p.query, lists)
        specs.append({"name": p.id, "preset": True, "kind": "solutions" if p.form in ("select", "ask") else "graph",
                      "query": query, "subs": subs, "cap": min(p.page_size or row_cap, row_cap),
                      "inline": inline_values(query, subs), "what": "preset"})
    for name, what, q in TYPICAL:
        kind = "graph" if re.search(r"^\s*(CONSTRUCT|DESCRIBE)", q, re.MULTILINE) else "solutions"
        specs.append({"name": name, "preset": False, "kind": kind, "query": q, "subs": {}, "cap": row_cap, "inline": q, "what": what})
    return specs, skipped


def dataset_kwargs() -> dict:
    graphs = [ox.NamedNode(g) for g in ALL_GRAPHS]
    return {"default_graph": graphs, "named_graphs": graphs}


RAW_DATASET = {"union": False}  # set from --raw-dataset


def raw_run(store, spec: dict) -> int:
    """The raw engine: query, then pyoxigraph's serialiser over all the results. Returns the body size."""
    kw = {"use_default_graph_as_union": True} if RAW_DATASET["union"] else dataset_kwargs()
    res = store.query(spec["query"], substitutions={ox.Variable(k): v for k, v in spec["subs"].items()} or None, **kw)
    if isinstance(res, ox.QueryTriples):
        body = res.serialize(format=ox.RdfFormat.N_TRIPLES)
    else:
        body = res.serialize(format=ox.QueryResultsFormat.JSON)
    return len(body)


def raw_rows(store, spec: dict, text: str | None = None, subs: bool = True) -> int:
    res = store.query(text or spec["query"], substitutions=({ox.Variable(k): v for k, v in spec["subs"].items()} or None) if subs else None,
                      **dataset_kwargs())
    if isinstance(res, ox.QueryBoolean):
        return 1
    return sum(1 for _ in res)


def execute_job(spec: dict) -> dict:
    from recueil_kg.namespaces import PREFIXES
    from recueil_kg.workers import encode_term

    fmt = "json" if spec["kind"] == "solutions" else "ntriples"
    return {"query": spec["query"], "format": fmt, "cap": spec["cap"], "offset": 0, "default_graph": ALL_GRAPHS,
            "named_graphs": ALL_GRAPHS, "substitutions": {k: encode_term(v) for k, v in spec["subs"].items()},
            "extra": fmt == "json", "prefixes": PREFIXES}


# ------------------------------------------------------------------ HTTP

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ours_request(spec: dict, via: str) -> tuple[str, str, bytes | None, dict]:
    accept = JSON_MEDIA if spec["kind"] == "solutions" else NT_MEDIA
    if via == "preset":
        return "GET", f"/queries/{spec['name']}.json", None, {"Accept": accept}
    body = urllib.parse.urlencode([("query", spec["inline"])]).encode()
    return "POST", "/sparql", body, {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}


OXIGRAPH_UNION = {"on": False}  # set from --oxigraph-union


def oxigraph_request(spec: dict) -> tuple[str, str, bytes | None, dict]:
    accept = JSON_MEDIA if spec["kind"] == "solutions" else NT_MEDIA
    params = [("query", spec["inline"])]
    if not OXIGRAPH_UNION["on"]:
        params += [("default-graph-uri", g) for g in ALL_GRAPHS] + [("named-graph-uri", g) for g in ALL_GRAPHS]
    return "POST", "/query", urllib.parse.urlencode(params).encode(), {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}


class Client:
    """One persistent HTTP/1.1 connection."""

    def __init__(self, port: int, timeout: float = 600):
        self.port, self.timeout = port, timeout
        self.conn = None

    def send(self, req) -> tuple[int, bytes, dict]:
        method, path, body, headers = req
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status, data, {k.lower(): v for k, v in resp.getheaders()}
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


def wait_ready(port: int, path: str, proc: subprocess.Popen, timeout: float = 120, method: str = "GET",
               body: bytes | None = None, headers: dict | None = None) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request(method, path, body=body, headers=headers or {})
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {timeout} s")


def start_servers(store: Path, args, logs: Path) -> dict:
    logs.mkdir(parents=True, exist_ok=True)
    servers = {"ours": start_ours(store, args, logs, args.port or free_port(), cache=False)}
    oport = args.oxigraph_port or free_port()
    olog = open(logs / f"{args.name}-oxigraph.log", "w")  # noqa: SIM115 - closed by stop_servers
    # Oxigraph server holds the data where the app's workers hold it: in memory (loaded over its Graph
    # Store Protocol from the same quads) or on disk (the same store, read-only)
    where = [] if args.in_memory else ["--location", str(store)]
    oproc = subprocess.Popen([str(VENV_BIN / "oxigraph"), "serve" if args.in_memory else "serve-read-only", *where, "--bind", f"127.0.0.1:{oport}",
                             ] + (["--timeout-s", str(int(args.oxigraph_timeout))] if args.oxigraph_timeout else [])
                             + (["--union-default-graph"] if args.oxigraph_union else []),
                             stdout=olog, stderr=subprocess.STDOUT, start_new_session=True)
    servers["oxigraph"] = {"proc": oproc, "port": oport, "log": olog}
    wait_ready(oport, "/query?query=" + urllib.parse.quote("ASK {}"), oproc)
    if args.in_memory:
        load_oxigraph_memory(oport, store)
    return servers


def load_oxigraph_memory(port: int, store: Path) -> None:
    """POST every quad of the on-disk store to Oxigraph server's /store (N-Quads), in chunks."""
    disk = ox.Store.read_only(str(store))
    quads = list(disk.quads_for_pattern(None, None, None, None))
    for i in range(0, len(quads), 200_000):
        body = ox.serialize(quads[i:i + 200_000], format=ox.RdfFormat.N_QUADS)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("POST", "/store", body=body, headers={"Content-Type": "application/n-quads"})
        r = conn.getresponse()
        r.read()
        conn.close()
        if r.status >= 300:
            raise SystemExit(f"loading Oxigraph server in memory failed: HTTP {r.status}")


def start_ours(store: Path, args, logs: Path, port: int, cache: bool) -> dict:
    """`recueil-kg serve` on the store; without its answer cache unless `cache` (latency is always
    measured without it: a remembered answer would not measure the engine)."""
    env = dict(os.environ, RECUEIL_STORE_PATH=str(store), RECUEIL_ROW_CAP=str(args.row_cap), RECUEIL_DEADLINE=str(args.deadline),
               RECUEIL_HOST="127.0.0.1", RECUEIL_PORT=str(port))
    if args.workers:
        env["RECUEIL_WORKERS"] = str(args.workers)
    if args.processes:
        env["RECUEIL_PROCESSES"] = str(args.processes)
    env["RECUEIL_MEMORY_QUADS"] = str(args.memory_quads if args.in_memory else 0)
    if not cache:
        env["RECUEIL_CACHE_BYTES"] = "0"
    log = open(logs / f"{args.name}-recueil-kg{'-cache' if cache else ''}.log", "w")  # noqa: SIM115 - closed by stop_servers
    if args.app:
        env["PYTHONPATH"] = os.pathsep.join([str(args.app)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    # `recueil-kg serve`, as its console script does it (python -m recueil_kg), so that --app applies
    proc = subprocess.Popen([sys.executable, "-m", "recueil_kg", "--root", str(ROOT), "serve"], env=env, cwd=str(args.app or ROOT), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    wait_ready(port, "/queries.json", proc)
    return {"proc": proc, "port": port, "log": log}


def stop_servers(servers: dict) -> None:
    for s in servers.values():
        p = s["proc"]
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)  # the server and its worker processes, by process group
            except ProcessLookupError:
                pass
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
        s["log"].close()


# ------------------------------------------------------------------ latency

def time_calls(fn, warmup: int, reps: int, budget: float | None = None) -> list[float]:
    """Warm-up runs, then timed runs (ms). With a budget (seconds), slow cells get fewer timed runs
    (never fewer than 3), judged from the last warm-up run."""
    last = 0.0
    for _ in range(warmup):
        t0 = time.perf_counter()
        fn()
        last = time.perf_counter() - t0
    if budget and last > 0:
        reps = max(3, min(reps, int(budget / last)))
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def raw_variant(store, text: str, subs: dict, union: bool) -> int:
    """Diagnostics: the raw engine with the parameters as substitutions or written in (VALUES), over the
    app's explicit list of the four graphs or over the union default graph."""
    kw = {"use_default_graph_as_union": True} if union else dataset_kwargs()
    res = store.query(text, substitutions={ox.Variable(k): v for k, v in subs.items()} or None, **kw)
    if isinstance(res, ox.QueryTriples):
        return len(res.serialize(format=ox.RdfFormat.N_TRIPLES))
    return len(res.serialize(format=ox.QueryResultsFormat.JSON))


class ModeFailed(Exception):
    pass


# Presets whose parameters, written in as a VALUES block, make Oxigraph 0.5 choose a plan that
# grows much faster than the graph (minutes at 5000 synthetic experiences, against seconds with
# substitutions): the in-process VALUES diagnostics are not run for them (they cannot be stopped).
SLOW_VALUES = {"projects-by-programme-and-animation"}


def count_rows(body: bytes, kind: str) -> int:
    if kind == "graph":
        return sum(1 for line in body.splitlines() if line.strip())
    doc = json.loads(body)
    return 1 if "boolean" in doc else len(doc["results"]["bindings"])


def latency(specs: list[dict], store, servers: dict, args) -> list[dict]:
    from recueil_kg.workers import execute

    ours, oxi = Client(servers["ours"]["port"]), Client(servers["oxigraph"]["port"])
    results = []
    if args.resume and args.partial.exists():
        results = json.loads(args.partial.read_text())
        print(f"  resuming after {len(results)} queries measured earlier", file=sys.stderr)
    done = {r["name"] for r in results}
    for spec in specs:
        if spec["name"] in done:
            continue
        reps = args.reps
        row = {"name": spec["name"], "preset": spec["preset"], "what": spec["what"], "kind": spec["kind"]}
        row["rows_raw"] = raw_rows(store, spec)
        job = execute_job(spec)
        answer = execute(store, job)
        if "error" in answer:
            raise RuntimeError(f"{spec['name']}: {answer['error']}")
        row["rows_execute"] = answer["rows"]

        def http_call(client, req, check):
            status, body, headers = client.send(req)
            if status != 200:
                raise ModeFailed(f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
            check.append(headers)
            return body

        worker_ms: list[float] = []
        last_endpoint: list[dict] = [{}]

        def ours_call(via, record=True):
            seen: list[dict] = []
            http_call(ours, ours_request(spec, via), seen)
            if record:
                last_endpoint[0] = seen[0]
                worker_ms.append(float(seen[0].get("x-recueil-query-time-ms", "nan")))

        # The modes are interleaved: every timed round runs each mode once, so that a slow spell of
        # the machine weighs on all of them alike and the ratios stay fair.
        modes = [("raw", lambda: raw_run(store, spec))]
        if "execute" in args.modes:
            modes.append(("execute", lambda: execute(store, job)))
        modes.append(("endpoint", lambda: ours_call("preset" if spec["preset"] else "sparql")))
        if spec["preset"] and "sparql" in args.modes:
            modes.append(("sparql", lambda: ours_call("sparql", record=False)))
        body_box: list[bytes] = []
        if "oxigraph" in args.modes:
            def oxigraph_call():
                body = http_call(oxi, oxigraph_request(spec), [])
                # Oxigraph server streams its results: past its --timeout-s the body is cut short under a 200
                if not body.rstrip().endswith(b"}" if spec["kind"] == "solutions" else b"."):
                    raise ModeFailed("incomplete response: the server stopped the query at its timeout")
                body_box.append(body)

            modes.append(("oxigraph", oxigraph_call))
        if "diagnostics" in args.modes and not (args.kind == "synthetic" and spec["name"] in SLOW_VALUES):
            modes.append(("raw_union", lambda: raw_variant(store, spec["query"], spec["subs"], True)))
            if spec["subs"]:
                modes.append(("raw_values", lambda: raw_variant(store, spec["inline"], {}, False)))
                modes.append(("raw_values_union", lambda: raw_variant(store, spec["inline"], {}, True)))
        failed: dict[str, str] = {}

        def attempt(name, fn) -> float | None:
            """One timed call (ms); a mode that fails (HTTP error, deadline) is dropped for this query."""
            t0 = time.perf_counter()
            try:
                fn()
            except ModeFailed as e:
                failed[name] = str(e)
                print(f"    {spec['name']}: {name} failed after {time.perf_counter() - t0:.1f} s: {e}", file=sys.stderr, flush=True)
                return None
            return (time.perf_counter() - t0) * 1000

        round_s = 0.0
        for _ in range(args.warmup):
            t0 = time.perf_counter()
            for name, fn in modes:
                if name not in failed:
                    attempt(name, fn)
            round_s = time.perf_counter() - t0
        if args.cell_budget and round_s > 0:
            reps = max(3, min(reps, int(args.cell_budget * len(modes) / round_s)))
        timings = {name: [] for name, _ in modes}
        worker_ms.clear()
        for _ in range(reps):
            for name, fn in modes:
                if name not in failed:
                    ms = attempt(name, fn)
                    if ms is not None:
                        timings[name].append(ms)
        if "endpoint" in failed:
            raise RuntimeError(f"{spec['name']}: the endpoint failed: {failed['endpoint']}")
        timings = {k: v for k, v in timings.items() if v}
        row["failed"] = failed
        worker = list(worker_ms)
        h = last_endpoint[0]
        row["rows_endpoint"] = int(h.get("x-recueil-rows", -1))
        row["truncated"] = h.get("x-recueil-truncated") == "true"
        if body_box:
            row["bytes_oxigraph"] = len(body_box[-1])
            row["rows_oxigraph"] = count_rows(body_box[-1], spec["kind"])
        body_box.clear()
        row["ms"] = {k: summary(v) for k, v in timings.items()}
        row["ms"]["worker"] = summary(worker)
        row["ratio"] = row["ms"]["endpoint"]["median"] / row["ms"]["raw"]["median"]
        row["ratio_p95"] = row["ms"]["endpoint"]["p95"] / row["ms"]["raw"]["p95"]
        row["rows_match"] = row["rows_raw"] == row["rows_endpoint"] == row["rows_execute"] == row.get("rows_oxigraph", row["rows_raw"])
        results.append(row)
        if args.partial:
            args.partial.write_text(json.dumps(results, indent=1, default=str))
        m = row["ms"]
        print(f"  {spec['name']:<40} rows {row['rows_raw']:>7}  raw {m['raw']['median']:9.2f}  "
              f"endpoint {m['endpoint']['median']:9.2f} ms  x{row['ratio']:.2f}  ({m['raw']['n']} runs)", file=sys.stderr, flush=True)
    return results


# ------------------------------------------------------------------ throughput

def _client_loop(port: int, requests: list, offset: int, start_at: float, duration: float, max_requests: int, q) -> None:
    c = Client(port)
    lat, errors, done, last = [], 0, 0, start_at
    while time.time() < start_at:
        time.sleep(0.0005)
    i = offset
    while time.time() < start_at + duration and done < max_requests:
        t0 = time.perf_counter()
        try:
            status, _, _ = c.send(requests[i % len(requests)])
            if status != 200:
                errors += 1
        except Exception:  # noqa: BLE001 - counted, the run goes on
            errors += 1
        lat.append((time.perf_counter() - t0) * 1000)
        done += 1
        last = time.time()
        i += 1
    q.put({"done": done, "errors": errors, "last": last, "lat": lat})


def throughput(port: int, requests: list, clients: int, duration: float, max_requests: int) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    start_at = time.time() + 2.0
    procs = [ctx.Process(target=_client_loop, args=(port, requests, k * max(1, len(requests) // clients), start_at, duration,
                                                     max_requests, q)) for k in range(clients)]
    for p in procs:
        p.start()
    outs = [q.get(timeout=duration + 900) for _ in procs]
    for p in procs:
        p.join(30)
    done = sum(o["done"] - o["errors"] for o in outs)  # answered requests; errors are counted apart
    elapsed = max(o["last"] for o in outs) - start_at
    lat = [x for o in outs for x in o["lat"]]
    return {"requests": done, "errors": sum(o["errors"] for o in outs), "elapsed_s": elapsed, "lat": lat}


def run_turns(plans: dict, clients: int, duration: float, rounds: int, max_requests: int, require_ok: bool = False) -> dict:
    """Throughput of every plan (label -> (port, requests)): one pass of warm-up each (with
    `require_ok`, a request answered other than 200 there ends the run), then the servers take turns,
    round after round (A B C D, D C B A, …), so that a busy spell of the machine does not fall on one
    of them only. Returns label -> requests, errors, req/s (in all and per turn), latency summary."""
    for label, (port, reqs) in plans.items():
        warm = Client(port)
        refused = [r[1] for r in reqs if warm.send(r)[0] != 200]
        if require_ok and refused:
            raise SystemExit(f"{label} answered other than 200 to {len(refused)} requests of the mix, e.g. {refused[0]}")
    parts: dict[str, list[dict]] = {label: [] for label in plans}
    order = list(plans)
    for k in range(rounds):
        for label in (order if k % 2 == 0 else order[::-1]):
            port, reqs = plans[label]
            parts[label].append(throughput(port, reqs, clients, duration / rounds, max(1, max_requests // rounds)))
    runs = {}
    for label, ps in parts.items():
        done, elapsed = sum(p["requests"] for p in ps), sum(p["elapsed_s"] for p in ps)
        res = {"requests": done, "errors": sum(p["errors"] for p in ps), "elapsed_s": elapsed, "rps": done / elapsed if elapsed else 0,
               "rps_per_round": [p["requests"] / p["elapsed_s"] if p["elapsed_s"] else 0 for p in ps],
               "latency_ms": summary([x for p in ps for x in p["lat"]])}
        runs[label] = res
        print(f"  {label:<45} {res['rps']:8.1f} req/s  ({res['requests']} requests, {res['errors']} errors, rounds "
              f"{', '.join(f'{x:.0f}' for x in res['rps_per_round'])}; p50 {res['latency_ms'].get('median', math.nan):.1f} ms, "
              f"p95 {res['latency_ms'].get('p95', math.nan):.1f} ms)", file=sys.stderr, flush=True)
    return runs


def run_throughput(specs: list[dict], lat: list[dict], servers: dict, args) -> dict:
    slowest = {r["name"]: max(m["median"] for k, m in r["ms"].items() if k in ("raw", "endpoint", "oxigraph", "sparql") and m)
               for r in lat}
    failed = {r["name"] for r in lat if r.get("failed")}
    chosen = [s for s in specs if s["name"] not in failed and (args.throughput_max_ms is None or slowest[s["name"]] <= args.throughput_max_ms)]
    out = {"clients": args.clients, "duration_s": args.duration, "rounds": args.rounds, "max_requests_per_client": args.max_requests,
           "queries": [s["name"] for s in chosen], "runs": {}}
    if not chosen:
        return out
    plans = {
        "recueil-kg /sparql": (servers["ours"]["port"], [ours_request(s, "sparql") for s in chosen]),
        "oxigraph server /query": (servers["oxigraph"]["port"], [oxigraph_request(s) for s in chosen]),
    }
    presets = [s for s in chosen if s["preset"]]
    if presets:
        plans["recueil-kg /queries/<id> (presets only)"] = (servers["ours"]["port"], [ours_request(s, "preset") for s in presets])
        plans["oxigraph server /query (presets only)"] = (servers["oxigraph"]["port"], [oxigraph_request(s) for s in presets])
    if "cached" in servers:  # the same requests to the app with its answer cache on (its default)
        plans["recueil-kg /sparql, answers remembered"] = (servers["cached"]["port"], [ours_request(s, "sparql") for s in chosen])
        if presets:
            plans["recueil-kg /queries/<id>, answers remembered"] = (servers["cached"]["port"], [ours_request(s, "preset") for s in presets])
    out["runs"] = run_turns(plans, args.clients, args.duration, args.rounds, args.max_requests)
    r = out["runs"]
    out["ratio"] = r["recueil-kg /sparql"]["rps"] / r["oxigraph server /query"]["rps"]
    if presets:
        out["ratio_presets"] = r["recueil-kg /queries/<id> (presets only)"]["rps"] / r["oxigraph server /query (presets only)"]["rps"]
    if "cached" in servers:
        out["ratio_cached"] = r["recueil-kg /sparql, answers remembered"]["rps"] / r["oxigraph server /query"]["rps"]
        if presets:
            out["ratio_presets_cached"] = (r["recueil-kg /queries/<id>, answers remembered"]["rps"]
                                           / r["oxigraph server /query (presets only)"]["rps"])
    return out


# ------------------------------------------------------------------ report

def fmt_ms(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    try:
        oxv = subprocess.run([str(VENV_BIN / "oxigraph"), "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        oxv = "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "pyoxigraph": ox.__version__,
            "oxigraph server": oxv, "flask": version("flask"), "granian": version("granian")}


def app_version(app_dir: Path) -> str:
    """The commit of the benchmarked app (read-only git commands), '+changes' when the tree differs from it."""
    def git(*a):
        return subprocess.run(["git", "-C", str(app_dir), *a], capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    stamp = app_dir / "APP_COMMIT"
    if stamp.exists():
        return stamp.read_text().strip()
    if not head:
        return "unknown"
    dirty = git("--no-optional-locks", "status", "--porcelain", "--", "recueil_kg")
    return head + ("+uncommitted changes" if dirty else "")


def report(doc: dict) -> str:
    L = []
    meta = doc["meta"]
    L.append(f"## {doc['name']} — {meta['store']} ({meta['quads']:,} quads{', ' + str(meta['experiences']) + ' experiences' if meta.get('experiences') else ''})")
    L.append("")
    L.append(f"{meta['date']} · {meta['machine']['cpu']} ({meta['machine']['cores']} cores) · Python {meta['machine']['python']} · "
             f"pyoxigraph {meta['machine']['pyoxigraph']} · {meta['machine']['oxigraph server']} · "
             f"server: {'Granian, ' + str(meta['config']['processes']) + ' processes × ' if meta['config'].get('processes') else 'waitress, '}"
             f"{meta['config']['threads']} threads, {meta['config']['workers']} query workers{' each' if meta['config'].get('processes') else ''}, row cap {meta['config']['row_cap']}, "
             f"deadline {meta['config']['deadline']} s · app {meta['app']} · {meta['warmup']} warm-up + {meta['reps']} timed runs per cell"
             + (f" (fewer for slow cells: {meta['cell_budget_s']:g} s budget per cell, at least 3)" if meta.get("cell_budget_s") else "")
             + f" · raw column: dataset as {'the union default graph' if meta.get('raw_dataset') == 'union' else 'the list of the four graphs'}"
             + (" · Oxigraph server with --union-default-graph" if meta.get("oxigraph_union") else "")
             + (" · data in memory (raw engine, app workers, Oxigraph server)" if meta.get("in_memory") else " · data on disk (RocksDB)")
             + (f" · Oxigraph server with --timeout-s {meta['oxigraph_timeout_s']:g}" if meta.get("oxigraph_timeout_s") else "")
             + " · load average " + "; ".join(f"{k} {' '.join(v)}" for k, v in meta["loadavg"].items()))
    L.append("")
    L.append("Latency, one request at a time (ms; median, and p95 where given; ratio = endpoint median / raw median):")
    L.append("")
    L.append("| query | rows | raw | raw p95 | execute() | endpoint | endpoint p95 | in worker | ratio | /sparql inlined | oxigraph server |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    def g(m, k, stat="median"):
        return fmt_ms(m[k][stat]) if m.get(k) else "–"

    for r in doc["latency"]:
        m = r["ms"]
        rows = f"{r['rows_raw']:,}" + ("" if r["rows_match"] else f" (endpoint {r['rows_endpoint']:,}{', truncated' if r['truncated'] else ''})")
        name = r["name"] if r["preset"] else f"*{r['name']}*"
        if r.get("failed"):
            name += " †"
        L.append(f"| {name} | {rows} | {g(m, 'raw')} | {g(m, 'raw', 'p95')} | {g(m, 'execute')} | "
                 f"**{g(m, 'endpoint')}** | {g(m, 'endpoint', 'p95')} | {g(m, 'worker')} | "
                 f"**{r['ratio']:.2f}** | {g(m, 'sparql')} | {g(m, 'oxigraph')} |")
    L.append("")
    L.append("Presets are in plain type, *typical queries* in italics. Skipped: " + (", ".join(doc["skipped"]) or "none") +
             " (federated: the endpoint refuses SERVICE). Runs per cell: " +
             ", ".join(sorted({str(r['ms']['raw']['n']) for r in doc['latency']}, key=int)) + ".")
    for r in doc["latency"]:
        for mode, why in (r.get("failed") or {}).items():
            L.append(f"† {r['name']}: {mode} failed ({why.strip()[:160]}).")
    if any("raw_union" in r["ms"] for r in doc["latency"]):
        L.append("")
        L.append("Diagnostics — the raw engine alone (ms, median), varying what the app chooses: parameters bound as pyoxigraph "
                 "substitutions (as the app) or written in as a VALUES block; dataset given as the explicit list of the four "
                 "graphs (as the app) or as the union default graph (the same triples here: the store holds only those four graphs):")
        L.append("")
        L.append("| query | substitutions + graph list (app) | VALUES + graph list | substitutions + union | VALUES + union |")
        L.append("|---|---:|---:|---:|---:|")
        for r in doc["latency"]:
            m = r["ms"]
            L.append(f"| {r['name']} | {g(m, 'raw')} | {g(m, 'raw_values') if 'raw_values' in m else g(m, 'raw')} | {g(m, 'raw_union')} | "
                     f"{g(m, 'raw_values_union') if 'raw_values_union' in m else g(m, 'raw_union')} |")
    t = doc.get("throughput")
    if t and t.get("runs"):
        L.append("")
        L.append(f"Throughput, {t['clients']} concurrent clients (processes, keep-alive), {t['duration_s']:g} s per server in "
                 f"{t.get('rounds', 1)} alternating turns (at most {t['max_requests_per_client']} requests per client), "
                 f"cycling through {len(t['queries'])} queries:")
        L.append("")
        L.append("| server / requests | requests | errors | req/s | req/s per turn | latency p50 | latency p95 |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for label, r in t["runs"].items():
            turns = ", ".join(f"{x:.0f}" for x in r.get("rps_per_round", []))
            L.append(f"| {label} | {r['requests']} | {r['errors']} | **{r['rps']:.1f}** | {turns} | {fmt_ms(r['latency_ms'].get('median'))} | "
                     f"{fmt_ms(r['latency_ms'].get('p95'))} |")
        L.append("")
        L.append(f"Ratio recueil-kg / Oxigraph server: **{t['ratio']:.2f}** (same SPARQL requests)" +
                 (f"; presets route vs the same presets on Oxigraph server: **{t['ratio_presets']:.2f}**" if "ratio_presets" in t else "") + ".")
        if "ratio_cached" in t:
            L.append("")
            L.append(f"With the app's answer cache on (its default; the served data never changes, so a repeated request is answered "
                     f"from memory — every request of this mix repeats): **{t['ratio_cached']:.2f}** on the same SPARQL requests" +
                     (f", **{t['ratio_presets_cached']:.2f}** through the preset route" if "ratio_presets_cached" in t else "") +
                     ". Oxigraph server has no such cache; the ratios above, without it, compare the two servers' own work.")
        L.append(f"Queries in the mix: {', '.join(t['queries'])}.")
    L.append("")
    L.append("Targets:")
    L.append("")
    for tgt in doc["targets"]:
        L.append(f"- {tgt['target']}: **{'met' if tgt['met'] else 'NOT met'}** — {tgt['detail']}")
    return "\n".join(L) + "\n"


def targets(doc: dict) -> list[dict]:
    out = []
    presets = [r for r in doc["latency"] if r["preset"]]
    if doc["kind"] == "synthetic":
        bad = [f"{r['name']} ×{r['ratio']:.2f}" for r in presets if r["ratio"] > 1.1]
        worst = max(presets, key=lambda r: r["ratio"])
        out.append({"target": "synthetic graph: endpoint within 1.1× of the raw engine for every preset (median)", "met": not bad,
                    "detail": (f"over 1.1×: {', '.join(bad)}" if bad else f"worst {worst['name']} ×{worst['ratio']:.2f}")})
    if doc["kind"] == "real":
        bad = [f"{r['name']} {r['ms']['endpoint']['median']:.2f} ms" for r in presets if r["ms"]["endpoint"]["median"] >= 5]
        worst = max(presets, key=lambda r: r["ms"]["endpoint"]["median"])
        out.append({"target": "real graph: every preset under 5 ms median through HTTP", "met": not bad,
                    "detail": (f"at or over 5 ms: {', '.join(bad)}" if bad else f"slowest {worst['name']} {worst['ms']['endpoint']['median']:.2f} ms")})
    t = doc.get("throughput")
    if t and "ratio" in t:
        out.append({"target": "throughput under 8 clients at least 0.8× Oxigraph server's", "met": t["ratio"] >= 0.8,
                    "detail": f"×{t['ratio']:.2f} on the same SPARQL requests" +
                              (f", ×{t['ratio_presets']:.2f} through the preset route" if "ratio_presets" in t else "") +
                              " (answer cache off)" +
                              (f"; with the answer cache on ×{t['ratio_cached']:.2f}" if "ratio_cached" in t else "")})
    return out


# ------------------------------------------------------------------ main

def load_average() -> list[str]:
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def count_quads(store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="recueil-kg endpoint vs raw engine vs Oxigraph server")
    ap.add_argument("--store", required=True, help="on-disk pyoxigraph store (build/store or bench/data/synthetic-store)")
    ap.add_argument("--name", help="results name (default: real for build/store, else the store folder name minus -store)")
    ap.add_argument("--kind", choices=["real", "synthetic"], help="which targets apply (default: guessed from the store)")
    ap.add_argument("--reps", type=int, help="timed runs per query and mode (default 30 real, 5 synthetic)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    ap.add_argument("--only", help="comma-separated query names")
    ap.add_argument("--row-cap", type=int, default=1_000_000, help="RECUEIL_ROW_CAP for the server (default 1000000)")
    ap.add_argument("--deadline", type=float, default=120, help="RECUEIL_DEADLINE for the server (default 120)")
    ap.add_argument("--workers", type=int, help="RECUEIL_WORKERS (default: the app's default)")
    ap.add_argument("--processes", type=int, help="RECUEIL_PROCESSES (default: the app's default)")
    ap.add_argument("--port", type=int, help="port of recueil-kg serve (default: a free one)")
    ap.add_argument("--oxigraph-port", type=int, help="port of oxigraph serve-read-only (default: a free one)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients for throughput (default 8)")
    ap.add_argument("--duration", type=float, default=20, help="seconds of throughput run per server (default 20)")
    ap.add_argument("--rounds", type=int, default=4, help="the throughput time of each server is cut into this many turns (default 4)")
    ap.add_argument("--max-requests", type=int, default=20000, help="bound on requests per client (default 20000)")
    ap.add_argument("--throughput-max-ms", type=float,
                    help="throughput mix: only queries whose median (raw, endpoint, Oxigraph server) is at most this (default: all)")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--no-cache-run", action="store_true",
                    help="do not also measure the throughput of the app with its answer cache on (RECUEIL_CACHE_BYTES default)")
    ap.add_argument("--raw-dataset", choices=["list", "union"], default="union",
                    help="how the raw column gives the dataset to pyoxigraph: the explicit list of the four graphs (what the app "
                         "did up to 07dec00) or the union default graph (what it does since 2430f8c; same answers) (default union)")
    ap.add_argument("--oxigraph-timeout", type=float,
                    help="start Oxigraph server with --timeout-s (needed when a query may run for minutes; but Oxigraph 0.5.13 then "
                         "starts a timer thread per query, which costs throughput and made it run out of memory under load)")
    ap.add_argument("--oxigraph-dataset", choices=["union", "list"], default="union",
                    help="union (default): Oxigraph server started with --union-default-graph and sent no dataset parameters "
                         "(the same answers, its fastest form, and the form the app gives pyoxigraph); list: sent the four graphs "
                         "as default-graph-uri/named-graph-uri, as clients of our endpoint could")
    ap.add_argument("--memory", choices=["auto", "yes", "no"], default="auto",
                    help="where the data lives for the raw engine, the app's workers and Oxigraph server alike: in memory or on "
                         "disk; auto (default) does what the app does by default (in memory when the store holds at most "
                         "RECUEIL_MEMORY_QUADS quads)")
    ap.add_argument("--resume", action="store_true", help="keep the queries already measured in bench/results/<name>.partial.json")
    ap.add_argument("--wait-idle", type=float, default=0, help="wait up to this many seconds for a 1-minute load average under 1 before starting")
    ap.add_argument("--modes", default="execute,sparql,oxigraph,diagnostics",
                    help="extra latency measurements besides raw and endpoint (default: execute,sparql,oxigraph,diagnostics)")
    ap.add_argument("--cell-budget", type=float, help="seconds per measurement cell: slow queries get fewer runs (at least 3)")
    ap.add_argument("--app", help="benchmark the recueil_kg package found in this folder (e.g. an unpacked `git archive`) "
                                  "instead of the installed one; data and queries still come from this project")
    args = ap.parse_args(argv)
    args.modes = set(filter(None, args.modes.split(",")))
    RAW_DATASET["union"] = args.raw_dataset == "union"
    args.oxigraph_union = args.oxigraph_dataset == "union"
    OXIGRAPH_UNION["on"] = args.oxigraph_union
    if args.app:
        args.app = Path(args.app).resolve()
        sys.path.insert(0, str(args.app))
    import recueil_kg

    app_dir = Path(recueil_kg.__file__).resolve().parent.parent
    print(f"benchmarking the app in {app_dir}", file=sys.stderr)

    store_path = Path(args.store).resolve()
    if not (store_path / "CURRENT").exists():
        ap.error(f"{store_path} is not an on-disk pyoxigraph store")
    meta_file = store_path.parent / (store_path.name.removesuffix("-store") + "-meta.json")
    gen_meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
    args.kind = args.kind or ("synthetic" if gen_meta else "real")
    args.name = args.name or store_path.name.removesuffix("-store").replace("store", "real")
    args.reps = args.reps or (30 if args.kind == "real" else 5)

    from recueil_kg import config as config_mod

    cfg = config_mod.load({"ROW_CAP": args.row_cap, "DEADLINE": args.deadline, **({"WORKERS": args.workers} if args.workers else {}),
                           **({"PROCESSES": args.processes} if args.processes else {})},
                          environ={})
    specs, skipped = build_specs(args.row_cap)
    if args.only:
        keep = set(args.only.split(","))
        specs = [s for s in specs if s["name"] in keep]
    from recueil_kg.workers import holds_at_most, open_store

    args.memory_quads = cfg["MEMORY_QUADS"] if args.memory == "auto" else 10**12
    args.in_memory = args.memory == "yes" or (args.memory == "auto" and holds_at_most(str(store_path), cfg["MEMORY_QUADS"]))
    store = open_store(str(store_path), args.in_memory)
    quads = count_quads(store)
    print(f"store {store_path}: {quads:,} quads; {len(specs)} queries, {args.warmup} warm-up + {args.reps} runs each", file=sys.stderr)
    results_dir = ROOT / "bench" / "results"
    if args.wait_idle:
        end = time.monotonic() + args.wait_idle
        while time.monotonic() < end and float(load_average()[0]) >= 1.0:
            time.sleep(5)
    loadavg = {"start": load_average()}
    results_dir.mkdir(parents=True, exist_ok=True)
    args.partial = results_dir / f"{args.name}.partial.json"
    servers = start_servers(store_path, args, results_dir / "logs")
    try:
        lat = latency(specs, store, servers, args)
        loadavg["after latency"] = load_average()
        if not args.no_throughput and not args.no_cache_run:
            servers["cached"] = start_ours(store_path, args, results_dir / "logs", free_port(), cache=True)
        thr = None if args.no_throughput else run_throughput(specs, lat, servers, args)
        loadavg["end"] = load_average()
    finally:
        stop_servers(servers)
    doc = {"name": args.name, "kind": args.kind, "skipped": skipped, "latency": lat, "throughput": thr,
           "meta": {"store": os.path.relpath(store_path, ROOT), "quads": quads, "experiences": gen_meta.get("experiences"),
                    "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                    "reps": args.reps, "warmup": args.warmup, "cell_budget_s": args.cell_budget, "raw_dataset": args.raw_dataset, "oxigraph_union": args.oxigraph_union,
                    "in_memory": args.in_memory,
                    "oxigraph_timeout_s": args.oxigraph_timeout, "loadavg": loadavg, "app": app_version(app_dir),
                    "config": {"processes": cfg["PROCESSES"], "workers": cfg["WORKERS"], "threads": cfg["THREADS"], "row_cap": args.row_cap, "deadline": args.deadline}}}
    doc["targets"] = targets(doc)
    md = report(doc)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{args.name}.md").write_text(md)
    (results_dir / f"{args.name}.json").write_text(json.dumps(doc, indent=1, default=str))
    args.partial.unlink(missing_ok=True)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
