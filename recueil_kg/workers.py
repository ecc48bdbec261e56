"""Query workers: separate processes over a read-only on-disk store, killed when a query overruns.

Neither pyoxigraph nor rdflib can cancel a running query from Python, so every query runs in a
worker process. The request thread waits for the answer until the deadline; past it, the worker is
killed (SIGKILL), a fresh one is started in the background, and the client gets a 503. Other
workers keep answering meanwhile.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass

from .errors import RecueilError

_CTX = mp.get_context("spawn")


# ------------------------------------------------------------------ inside the worker process

def _term(enc):
    import pyoxigraph as ox

    kind, value, extra = enc
    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "lang":
        return ox.Literal(value, language=extra)
    return ox.Literal(value, datatype=ox.NamedNode(extra))


def encode_term(term) -> tuple:
    """A picklable form of an ox term for substitutions (NamedNode or Literal)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None)
    if term.language:
        return ("lang", term.value, term.language)
    return ("typed", term.value, term.datatype.value)


_GRAPHS: dict[int, set[str] | None] = {}


def _store_graphs(store) -> set[str] | None:
    """The names of the store's graphs, when its default graph is empty (so that the union of its
    named graphs is exactly the dataset they make); None otherwise. Computed once per store."""
    import pyoxigraph as ox

    key = id(store)
    if key not in _GRAPHS:
        default_empty = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None
        _GRAPHS[key] = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)} if default_empty else None
    return _GRAPHS[key]


def execute(store, job: dict) -> dict:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    kwargs = {}
    dg, ng = job.get("default_graph"), job.get("named_graphs")
    if dg is not None and ng is not None and set(dg) == set(ng) == _store_graphs(store):
        # the same dataset, said the way pyoxigraph evaluates fastest (about twice as fast as a graph list)
        kwargs["use_default_graph_as_union"] = True
    else:
        if dg is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in dg]
        if ng is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in ng]
    if job.get("base_iri"):
        kwargs["base_iri"] = job["base_iri"]
    if job.get("substitutions"):
        kwargs["substitutions"] = {ox.Variable(k): _term(v) for k, v in job["substitutions"].items()}
    if job["format"] in NATIVE_FORMATS and not job.get("offset"):
        answer = _native(store, job, kwargs, t0)
        if answer is not None:
            return answer
    try:
        results = store.query(job["query"], **kwargs)
    except SyntaxError as e:
        return {"error": f"SPARQL syntax error: {e}", "status": 400}
    except (OSError, ValueError, RuntimeError) as e:
        return {"error": f"query failed: {e}", "status": 400}
    return render(results, job, t0)


NATIVE_FORMATS = ("json", "xml", "tsv")


def _native(store, job: dict, kwargs: dict, t0: float) -> dict | None:
    """A SELECT answer limited to cap + 1 rows in the query itself and serialised by pyoxigraph (no
    Python object per row). None — and the ordinary path below runs the query as sent — when the
    query is not a SELECT whose limit can be set, when it fails (so that its own error is
    reported), or when it has more rows than the cap (the ordinary path cuts it and says so)."""
    import pyoxigraph as ox

    from .guard import with_limit
    from .results import count_rows, with_report
    from .sparql import FORMATS

    limited = with_limit(job["query"], job["cap"] + 1)
    if limited is None:
        return None
    try:
        results = store.query(limited, **kwargs)
        if not isinstance(results, ox.QuerySolutions):
            return None
        body = results.serialize(format=FORMATS[job["format"]])
    except (SyntaxError, OSError, ValueError, RuntimeError):
        return None
    rows = count_rows(body, job["format"])
    if rows > job["cap"]:
        return None
    meta = {"rows": rows, "truncated": False, "form": "select", "cap": job["cap"]}
    meta["elapsed_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    if job["format"] == "json" and job.get("extra"):
        body = with_report(body, meta)
    return {"body": body, **meta}


def render(results, job: dict, t0: float) -> dict:
    """Serialise query results up to the row cap, with the metadata every response reports."""
    import pyoxigraph as ox

    from .results import serialize_boolean, serialize_solutions, serialize_triples

    cap, offset, fmt = job["cap"], job.get("offset", 0), job["format"]
    try:
        if isinstance(results, ox.QueryBoolean):
            value = bool(results)
            meta = {"rows": 1, "truncated": False, "form": "ask"}
            meta["elapsed_ms"] = round((time.perf_counter() - t0) * 1000, 3)
            return {"body": serialize_boolean(value, fmt, meta if job.get("extra") else None), **meta}
        if isinstance(results, ox.QuerySolutions):
            variables = [v.value for v in results.variables]
            rows, truncated = [], False
            for i, sol in enumerate(results):
                if i < offset:
                    continue
                if len(rows) == cap:
                    truncated = True
                    break
                rows.append(list(sol))  # values in the order of `variables`, None where unbound
            meta = {"rows": len(rows), "truncated": truncated, "form": "select", "cap": cap}
            meta["elapsed_ms"] = round((time.perf_counter() - t0) * 1000, 3)
            return {"body": serialize_solutions(variables, rows, fmt, meta if job.get("extra") else None), **meta}
        triples, truncated = [], False
        for t in results:
            if len(triples) == cap:
                truncated = True
                break
            triples.append(t)
        meta = {"rows": len(triples), "truncated": truncated, "form": "graph", "cap": cap}
        body = serialize_triples(triples, fmt, job.get("prefixes"))
        meta["elapsed_ms"] = round((time.perf_counter() - t0) * 1000, 3)
        return {"body": body, **meta}
    except (OSError, ValueError, RuntimeError) as e:  # evaluation errors surface while iterating
        return {"error": f"query failed: {e}", "status": 400}


def holds_at_most(store_path: str, limit: int) -> bool:
    """Whether the on-disk store holds at most `limit` quads (reads at most limit + 1 of them)."""
    import itertools

    import pyoxigraph as ox

    quads = ox.Store.read_only(store_path).quads_for_pattern(None, None, None, None)
    return sum(1 for _ in itertools.islice(quads, limit + 1)) <= limit


def open_store(store_path: str, in_memory: bool):
    """The store a worker queries: the on-disk store opened read-only, or a copy of it in memory
    (pyoxigraph's in-memory store answers the real graph's queries about five times faster than its
    RocksDB store; the pool copies only stores small enough, see RECUEIL_MEMORY_QUADS)."""
    import pyoxigraph as ox

    disk = ox.Store.read_only(store_path)
    if not in_memory:
        return disk
    memory = ox.Store()
    memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    return memory


def exit_with_parent() -> None:
    """End this process within half a second of its parent's end, whatever it is doing (a thread
    watches; pyoxigraph releases the GIL while it evaluates, so the thread runs even mid-query)."""
    import os

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _worker_main(conn, store_path: str, in_memory: bool = False) -> None:
    exit_with_parent()
    store = open_store(store_path, in_memory)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            answer = execute(store, job)
        except Exception as e:  # noqa: BLE001 - never let a worker die silently on a bad job
            answer = {"error": f"internal query error: {type(e).__name__}: {e}", "status": 500}
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


# ------------------------------------------------------------------ in the server process

@dataclass
class _Worker:
    process: mp.Process
    conn: object


class WorkerPool:
    def __init__(self, store_path: str, size: int = 2, memory_quads: int = 0):
        self.store_path = store_path
        self.in_memory = memory_quads > 0 and holds_at_most(store_path, memory_quads)
        self.size = max(1, size)
        # last in, first out: at low load the same worker answers request after request, its caches warm
        self.idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self.closed = False
        self.killed = 0
        for _ in range(self.size):
            self.idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = _CTX.Pipe()
        p = _CTX.Process(target=_worker_main, args=(child, self.store_path, self.in_memory), daemon=True)
        p.start()
        child.close()
        return _Worker(p, parent)

    def _replace(self, w: _Worker) -> None:
        w.process.kill()
        w.process.join(5)
        try:
            w.conn.close()
        except OSError:
            pass
        if not self.closed:
            self.idle.put(self._spawn())

    def run(self, job: dict, deadline: float) -> dict:
        if self.closed:
            raise RecueilError("the query service is shutting down", status=503)
        end = time.monotonic() + deadline
        try:
            w = self.idle.get(timeout=deadline)
        except queue.Empty:
            raise RecueilError(f"all query workers stayed busy for the {deadline:g} s deadline; try again", status=503) from None
        try:
            w.conn.send(job)
            remaining = max(0.0, end - time.monotonic())
            if not w.conn.poll(remaining):
                self.killed += 1
                threading.Thread(target=self._replace, args=(w,), daemon=True).start()
                raise RecueilError(f"the query ran past the {deadline:g} s deadline and was stopped", status=503)
            answer = w.conn.recv()
        except (EOFError, BrokenPipeError, OSError):
            threading.Thread(target=self._replace, args=(w,), daemon=True).start()
            raise RecueilError("the query worker died; the query was not answered", status=503) from None
        except RecueilError:
            raise
        except BaseException:
            threading.Thread(target=self._replace, args=(w,), daemon=True).start()
            raise
        self.idle.put(w)
        if "error" in answer:
            raise RecueilError(answer["error"], status=answer.get("status", 400))
        return answer

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                w = self.idle.get_nowait()
            except queue.Empty:
                break
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.process.join(1)
            if w.process.is_alive():
                w.process.kill()
