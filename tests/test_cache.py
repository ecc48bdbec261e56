"""Remembered answers: same request, same bytes, said so in a header; volatile queries run again."""
from __future__ import annotations

import pytest

from recueil_kg.cache import AnswerCache, cacheable

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def job(query=COUNT, **kw):
    return {"query": query, "format": "json", "cap": 10, "offset": 0, "default_graph": ["g"], "named_graphs": ["g"],
            "substitutions": {}, "extra": True, "base_iri": "http://localhost/sparql", **kw}


def answer(body=b'{"n":1}'):
    return {"body": body, "rows": 1, "truncated": False, "form": "select", "elapsed_ms": 1.0}


def test_remembers_by_the_whole_job():
    cache = AnswerCache(10_000)
    cache.put(job(), answer())
    assert cache.get(job())["body"] == b'{"n":1}'
    for other in (job(format="csv"), job(cap=11), job(offset=1), job(default_graph=["h"]), job(base_iri="http://x/"),
                  job(substitutions={"x": ("iri", "http://e/1", None)}), job(query=COUNT + " LIMIT 1")):
        assert cache.get(other) is None, other


@pytest.mark.parametrize("query", ["SELECT (RAND() AS ?r) {}", "SELECT (now() AS ?t) {}", "SELECT (STRUUID() AS ?u) {}",
                                   "SELECT (BNODE() AS ?b) {}", "SELECT (\\u0052AND() AS ?r) {}"])
def test_volatile_queries_are_not_remembered(query):
    assert not cacheable(job(query))
    cache = AnswerCache(10_000)
    cache.put(job(query), answer())
    assert cache.get(job(query)) is None


def test_a_keyword_inside_a_string_does_not_make_a_query_volatile():
    assert cacheable(job('SELECT ?s WHERE { ?s ?p "rand now uuid" }'))


def test_answers_with_blank_nodes_and_errors_are_not_remembered():
    cache = AnswerCache(10_000)
    cache.put(job(), answer(b'{"type":"bnode","value":"b1"}'))
    assert cache.get(job()) is None
    cache.put(job(), {"error": "boom", "status": 400})
    assert cache.get(job()) is None


def test_least_recently_used_answers_leave_first_within_the_byte_bound():
    cache = AnswerCache(1000)
    for i in range(10):
        cache.put(job(f"{COUNT} LIMIT {i}"), answer(b"x" * 150))
    assert cache.used <= 1000
    assert cache.get(job(f"{COUNT} LIMIT 9")) is not None
    assert cache.get(job(f"{COUNT} LIMIT 0")) is None


def test_zero_bytes_disables_the_cache():
    cache = AnswerCache(0)
    cache.put(job(), answer())
    assert cache.get(job()) is None


def test_the_endpoint_says_when_an_answer_was_remembered(client):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c } # test_cache"
    first = client.post("/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"})
    second = client.post("/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Recueil-Cache"] == "miss"
    assert second.headers["X-Recueil-Cache"] == "hit"
    assert first.data == second.data
    assert second.headers["X-Recueil-Rows"] == "1"
    volatile = "SELECT (RAND() AS ?r) WHERE {} # test_cache"
    for _ in range(2):
        r = client.post("/sparql", data={"query": volatile}, headers={"Accept": "application/sparql-results+json"})
        assert r.headers["X-Recueil-Cache"] == "miss"


@pytest.fixture()
def client(app):
    return app.test_client()
