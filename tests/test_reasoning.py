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


def test_filed_under_the_broader_concept_too(built):
    """A fablab is a third place, an emploi d'avenir line a line of the emplois aidés: the inferred
    graph says so, the asserted graph does not."""
    concept = "https://w3id.org/recueil-kg/id/concept/"
    cases = [(URIRef("https://w3id.org/recueil-kg/id/agent/le-dome"), RKG.actorType, URIRef(concept + "actor-type/third-place")),
             (URIRef("https://w3id.org/recueil-kg/id/node/kolectiv.funding-emploi-avenir-animateur"), RKG.programme,
              URIRef(concept + "programme/emplois-aides")),
             (URIRef("https://w3id.org/recueil-kg/id/node/kolectiv.factor-needs"), RKG.category, URIRef(concept + "success-factor/real-needs"))]
    for triple in cases:
        assert triple in built.inferred and triple not in built.asserted, triple


def test_partly_in_a_territory_it_overlaps(built):
    assert (EXP["rezo-pouce"], RKG.partlyInTerritory, TERR["departement-73"]) in built.inferred
    assert (EXP["rezo-pouce"], RKG.inTerritory, TERR["departement-73"]) not in built.inferred


def test_broader_filing_rule_alone():
    from rdflib import SKOS, Graph

    from recueil_kg.reasoning import broader_filing

    g = Graph()
    a, b, c, x = (URIRef(f"urn:x:{n}") for n in "abcx")
    g.add((a, SKOS.broader, b))
    g.add((b, SKOS.broader, c))
    g.add((x, RKG.category, a))
    g.add((x, SKOS.related, a))  # SKOS's own properties are left alone
    assert broader_filing(g) == {(x, RKG.category, b), (x, RKG.category, c)}
