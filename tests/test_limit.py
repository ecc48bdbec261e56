"""with_limit: the row cap written into a SELECT query's text, leaving every other query alone."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from recueil_kg.guard import with_limit

CASES = [  # query, expected text (None: not limited here)
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 10\n"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "SELECT * WHERE { ?s ?p ?o } LIMIT 5"),
    ("SELECT * WHERE { ?s ?p ?o } limit 500 OFFSET 2", "SELECT * WHERE { ?s ?p ?o } limit 10 OFFSET 2"),
    ("SELECT * WHERE { ?s ?p ?o } # a comment", "SELECT * WHERE { ?s ?p ?o } # a comment\nLIMIT 10\n"),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s VALUES ?s { <http://e/a> }", "SELECT * { ?s ?p ?o } ORDER BY ?s \nLIMIT 10\nVALUES ?s { <http://e/a> }"),
    ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000 } } GROUP BY ?s",
     "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000 } } GROUP BY ?s\nLIMIT 10\n"),
    ('SELECT * WHERE { ?s ?p "} LIMIT 1000" } LIMIT 1000', 'SELECT * WHERE { ?s ?p "} LIMIT 1000" } LIMIT 10'),
    ("SELECT ?limit WHERE { ?limit <http://e/LIMIT> ?o }", "SELECT ?limit WHERE { ?limit <http://e/LIMIT> ?o }\nLIMIT 10\n"),
    ("ASK { ?s ?p ?o }", None),
    ("CONSTRUCT WHERE { ?s ?p ?o }", None),
    ("DESCRIBE <http://e/a>", None),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT", None),
    ("SELECT * WHERE { ?s ?p \\u003F }", None),
]


@pytest.mark.parametrize("query,expected", CASES)
def test_with_limit(query, expected):
    assert with_limit(query, 10) == expected


@pytest.mark.parametrize("query", [q for q, e in CASES if e is not None and e != q])
def test_limited_queries_parse_and_answer_at_most_the_limit(query):
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i))) for i in range(30)])
    assert sum(1 for _ in store.query(with_limit(query, 10))) <= 10
