"""Every SHACL shape and violation query fires on its counter-examples; the examples conform."""
from __future__ import annotations

import re

import pytest
import yaml
from rdflib import Graph

from recueil_kg.dataset import merge
from recueil_kg.namespaces import PREFIXES
from recueil_kg.validation import validate

from .conftest import FIXTURES, ROOT

CASES = yaml.safe_load((FIXTURES / "invalid_cases.yaml").read_text(encoding="utf-8"))
MINIMAL = (FIXTURES / "minimal.ttl").read_text(encoding="utf-8")
PREFIX_BLOCK = "".join(line + "\n" for line in MINIMAL.splitlines() if line.startswith("@prefix"))


def expand(g: Graph, curie: str):
    prefix = curie.split(":", 1)[0]
    return g.namespace_manager.expand_curie(curie) if prefix in dict(g.namespaces()) else None


def mutated(case: dict, base: Graph) -> Graph:
    g = Graph()
    for k, v in PREFIXES.items():
        g.bind(k, v)
    g.parse(data=MINIMAL, format="turtle")
    g = merge([base, g])
    for spec in case.get("remove", []):
        s, p = spec.split()
        s, p = expand(g, s), expand(g, p)
        assert (s, p, None) in g, f"{case['id']}: nothing to remove for {spec}"
        g.remove((s, p, None))
    if case.get("add"):
        g.parse(data=PREFIX_BLOCK + case["add"], format="turtle")
    return g


@pytest.fixture(scope="module")
def shapes(sources):
    return sources.shapes


def test_minimal_example_conforms(base_graph, shapes):
    report = validate(mutated({"id": "minimal"}, base_graph), shapes, Graph(), ROOT / "ontology" / "violations")
    assert report.conforms, report.text()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_counter_example_fires_its_shape(case, base_graph, shapes):
    report = validate(mutated(case, base_graph), shapes, Graph(), ROOT / "ontology" / "violations")
    assert not report.conforms
    assert case["shape"] in report.shapes_fired(), f"expected {case['shape']}, got {sorted(report.shapes_fired())}: {report.text()}"


def test_every_shape_and_violation_query_has_a_counter_example(shapes):
    named = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects() if str(s).startswith("https://w3id.org/recueil-kg/shapes#")}
    named = {n for n in named if not re.match(r"^In[A-Z]\w*Scheme$", n)}
    named |= {p.stem for p in (ROOT / "ontology" / "violations").glob("*-violation.rq")}
    covered = {c["shape"] for c in CASES}
    assert named - covered == set(), f"shapes without a counter-example: {sorted(named - covered)}"
    assert covered - named == set(), f"cases naming unknown shapes: {sorted(covered - named)}"


def test_case_ids_are_unique():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
