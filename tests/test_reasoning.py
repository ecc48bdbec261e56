"""Reasoning: implied triples land in their own graph, so asserted and inferred can be told apart."""
from __future__ import annotations

from rdflib import URIRef

from recueil_kg.namespaces import EXP, RKG, TERR
from recueil_kg.sparql import run

FIND_IN_REGION = """
PREFIX rkg: <https://w3id.org/recueil-kg/def#>
SELECT ?e WHERE { ?e rkg:inTerritory <https://w3id.org/recueil-kg/id/territory/region-84> }
"""


def test_experience_found_by_region_only_through_inference(store):
    inferred = {s["e"].value for s in run(store, FIND_IN_REGION, include_inferred=True)}
    asserted = {s["e"].value for s in run(store, FIND_IN_REGION, include_inferred=False)}
    assert str(EXP["usine-vivante"]) in inferred
    assert asserted == set()


def test_inferred_graph_is_separate_and_non_empty(built):
    assert len(built.inferred) > 500
    assert not set(built.inferred) & set(built.asserted)


def test_transitive_containment(built):
    crest = TERR["commune-26108"]
    assert (crest, RKG.within, TERR["region-84"]) in built.inferred
    assert (crest, RKG.within, TERR["country-FR"]) in built.inferred
    assert (crest, RKG.within, TERR["region-84"]) not in built.asserted


def test_property_chains(built):
    uv = EXP["usine-vivante"]
    assert (uv, RKG.fundedBy, URIRef("https://w3id.org/recueil-kg/id/agent/departement-drome")) in built.inferred
    assert (uv, RKG.involves, URIRef("https://w3id.org/recueil-kg/id/agent/catherine-henry")) in built.inferred
