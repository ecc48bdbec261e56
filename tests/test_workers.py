"""Query workers: a small store is copied into memory, a large one stays on disk, and both answer alike."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from recueil_kg.namespaces import dataset_graphs
from recueil_kg.sparql import FORMATS
from recueil_kg.workers import WorkerPool, execute, holds_at_most, open_store

EX = "http://example.org/"


@pytest.fixture(scope="module")
def disk_store(store, tmp_path_factory):
    """The built dataset in an on-disk store, as `ensure_store` makes it."""
    path = tmp_path_factory.mktemp("disk") / "store"
    disk = ox.Store(str(path))
    disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk
    return str(path)


def test_holds_at_most_counts_quads_up_to_the_limit(tmp_path):
    path = tmp_path / "s"
    s = ox.Store(str(path))
    s.extend([ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), ox.NamedNode(f"{EX}g"))
              for i in range(3)])
    s.flush()
    del s
    assert holds_at_most(str(path), 3)
    assert not holds_at_most(str(path), 2)


def test_memory_copy_holds_the_same_quads(disk_store, store):
    memory = open_store(disk_store, in_memory=True)
    disk = open_store(disk_store, in_memory=False)
    assert len(memory) == len(disk) == len(store)
    assert set(memory.named_graphs()) == set(disk.named_graphs())


@pytest.mark.parametrize("in_memory", [True, False])
def test_both_kinds_of_store_answer_the_same(disk_store, in_memory):
    query = ("PREFIX rkg: <https://w3id.org/recueil-kg/def#> "
             "SELECT ?e (COUNT(?f) AS ?n) WHERE { ?e rkg:hasFundingLine ?f } GROUP BY ?e ORDER BY ?e")
    job = _job(query, "csv", 100)
    answer = execute(open_store(disk_store, in_memory), job)
    assert answer["rows"] >= 10
    baseline = execute(ox.Store.read_only(disk_store), job)
    assert answer["body"] == baseline["body"]


@pytest.mark.parametrize("limit,expected", [(500_000, True), (1000, False), (0, False)])
def test_pool_copies_into_memory_only_under_the_limit(disk_store, limit, expected):
    pool = WorkerPool(disk_store, size=1, memory_quads=limit)
    try:
        assert pool.in_memory is expected
        answer = pool.run(_job("ASK { ?s ?p ?o }", "json", 1), 30)
        assert b"true" in answer["body"]
    finally:
        pool.close()


# ------------------------------------------------------------------ SELECT answers serialised by pyoxigraph itself

def _job(query, fmt, cap, subs=None):
    return {"query": query, "format": fmt, "cap": cap, "default_graph": dataset_graphs(True), "named_graphs": dataset_graphs(True),
            "substitutions": subs or {}, "extra": fmt == "json"}


def _solutions(body: bytes, fmt: str) -> list:
    form = FORMATS[fmt]
    parsed = ox.parse_query_results(body, format=form)
    names = [v.value for v in parsed.variables]
    return sorted(repr([s[n] for n in names]) for s in parsed)


def _preset_jobs():
    from pathlib import Path

    from recueil_kg.presets import bind, load_presets, with_values
    from recueil_kg.workers import encode_term

    out = []
    for pid, p in sorted(load_presets(Path(__file__).resolve().parent.parent / "queries").items()):
        if p.federated or p.form != "select":
            continue
        subs, lists = bind(p, {})
        out.append(pytest.param(with_values(p.query, lists), {k: encode_term(v) for k, v in subs.items()}, id=pid))
    return out


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("query,subs", _preset_jobs())
def test_native_serialisation_answers_what_the_python_one_does(disk_store, query, subs, fmt):
    from recueil_kg.workers import render

    store = open_store(disk_store, in_memory=True)
    native = execute(store, _job(query, fmt, 10_000, subs))
    kwargs = {"use_default_graph_as_union": True}
    if subs:
        from recueil_kg.workers import _term
        kwargs["substitutions"] = {ox.Variable(k): _term(v) for k, v in subs.items()}
    python = render(store.query(query, **kwargs), _job(query, fmt, 10_000, subs), 0.0)
    assert native["rows"] == python["rows"] > 0
    assert _solutions(native["body"], fmt) == _solutions(python["body"], fmt)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_row_cap_is_exact_at_its_edges(disk_store, fmt):
    store = open_store(disk_store, in_memory=True)
    query = "PREFIX rkg: <https://w3id.org/recueil-kg/def#> SELECT ?e WHERE { ?e a rkg:Experience } ORDER BY ?e"
    n = execute(store, _job(query, fmt, 1000))["rows"]
    assert n == 17
    for cap, rows, truncated in ((n - 1, n - 1, True), (n, n, False), (n + 1, n, False)):
        answer = execute(store, _job(query, fmt, cap))
        assert (answer["rows"], answer["truncated"]) == (rows, truncated), cap
        if fmt != "csv":
            assert len(_solutions(answer["body"], fmt)) == rows


def test_json_answers_carry_the_report_member_before_the_results(disk_store):
    import json

    store = open_store(disk_store, in_memory=True)
    answer = execute(store, _job("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "json", 100))
    doc = json.loads(answer["body"])
    assert list(doc) == ["head", "recueil", "results"]
    assert doc["recueil"]["rows"] == 3 and doc["recueil"]["truncated"] is False


def test_a_failing_query_reports_its_own_error_not_the_limited_one(disk_store):
    store = open_store(disk_store, in_memory=True)
    answer = execute(store, _job("SELECT * WHERE { ?s ?p }", "json", 100))
    assert answer["status"] == 400 and "1:" in answer["error"] and "LIMIT" not in answer["error"]


def test_a_worker_busy_in_a_query_ends_when_its_server_process_dies(disk_store, tmp_path):
    """A killed server must not leave a worker running a long query (the worker watches its parent)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "server.py"
    script.write_text(
        "import sys, time\n"
        "from recueil_kg.workers import WorkerPool\n"
        "if __name__ == '__main__':\n"
        f"    pool = WorkerPool({disk_store!r}, size=1, memory_quads=0)\n"
        "    w = pool.idle.get()\n"
        "    print(w.process.pid, flush=True)\n"
        "    w.conn.send({'query': 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }', 'format': 'json', 'cap': 1})\n"
        "    time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(server.stdout.readline())
        time.sleep(1.0)  # the worker is now inside the query
        os.kill(worker, 0)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{worker}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                return
            if state in ("Z", "X"):  # exited (a zombie until whoever adopted it reaps it)
                return
            time.sleep(0.1)
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its server by 10 s")
    finally:
        if server.poll() is None:
            server.kill()
