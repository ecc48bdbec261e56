"""Query workers: a small store is copied into memory, a large one stays on disk, and both answer alike."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from recueil_kg.namespaces import dataset_graphs
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
    job = {"query": query, "format": "csv", "cap": 100, "default_graph": dataset_graphs(True),
           "named_graphs": dataset_graphs(True)}
    answer = execute(open_store(disk_store, in_memory), job)
    assert answer["rows"] >= 10
    baseline = execute(ox.Store.read_only(disk_store), job)
    assert answer["body"] == baseline["body"]


@pytest.mark.parametrize("limit,expected", [(500_000, True), (1000, False), (0, False)])
def test_pool_copies_into_memory_only_under_the_limit(disk_store, limit, expected):
    pool = WorkerPool(disk_store, size=1, memory_quads=limit)
    try:
        assert pool.in_memory is expected
        answer = pool.run({"query": "ASK { ?s ?p ?o }", "format": "json", "cap": 1,
                           "default_graph": dataset_graphs(True), "named_graphs": dataset_graphs(True)}, 30)
        assert b"true" in answer["body"]
    finally:
        pool.close()
