"""Every territory code in the data matches the frozen extract of the official geographic code."""
from __future__ import annotations

import json

import pytest
from rdflib import RDF, RDFS

from recueil_kg.namespaces import IGEO, RKG

from .conftest import ROOT

EXTRACT = json.loads((ROOT / "data" / "reference" / "insee-extract.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def territories(sources):
    from recueil_kg.dataset import merge

    return merge(sources.data.values())


def code(g, node):
    return str(g.value(node, IGEO.codeINSEE))


def test_communes_exist_with_their_type_and_departement(territories):
    checked = 0
    for node in territories.subjects(RDF.type, IGEO.Commune):
        rec = EXTRACT["communes"].get(code(territories, node))
        assert rec, f"{node}: code not in the extract"
        assert rec["type"] == "commune-actuelle", node
        dep = territories.value(node, IGEO.subdivisionDe)
        assert code(territories, dep) == rec["departement"], f"{node} is in département {rec['departement']}"
        assert str(node).endswith(f"commune-{rec['code']}")
        checked += 1
    assert checked >= 25


def test_delegated_communes_belong_to_their_new_commune(territories):
    found = 0
    for node in territories.subjects(RDF.type, IGEO.CommuneDeleguee):
        rec = EXTRACT["communes"][code(territories, node)]
        assert rec["type"] == "commune-deleguee"
        parent = territories.value(node, RKG.delegatedCommuneOf)
        assert code(territories, parent) == rec["chefLieu"]
        found += 1
    assert found == 3  # Brion, Saint-Georges-du-Bois, Saint-Gelven


def test_departements_are_in_their_region(territories):
    for node in territories.subjects(RDF.type, IGEO.Departement):
        rec = EXTRACT["departements"][code(territories, node)]
        region = territories.value(node, IGEO.subdivisionDe)
        assert code(territories, region) == rec["region"], node


def test_regions_exist(territories):
    codes = {code(territories, n) for n in territories.subjects(RDF.type, IGEO.Region)}
    assert codes and codes <= set(EXTRACT["regions"])


def test_intercommunalities_by_siren_and_members(territories):
    for node in territories.subjects(RDF.type, RKG.Intercommunality):
        siren = str(territories.value(node, RKG.siren))
        assert siren in EXTRACT["epci"], node
        for commune in territories.subjects(RKG.memberCommuneOf, node):
            assert code(territories, commune) in EXTRACT["epci"][siren]["members"], f"{commune} not a member of {siren}"


def test_names_in_data_match_official_names(territories):
    """Codes are the key; names are only checked as a guard against a wrong code."""
    for node in territories.subjects(RDF.type, IGEO.Commune):
        rec = EXTRACT["communes"][code(territories, node)]
        labels = {str(l) for l in territories.objects(node, RDFS.label)}
        official = rec["nom"].replace("Les ", "").lower()
        assert any(official in l.lower() for l in labels), f"{node}: {labels} vs {rec['nom']}"


def test_reference_facts_added_by_build(sources):
    crest = next(iter(sources.reference.subjects(IGEO.nom, None)))
    assert (crest, RKG.legalPopulation, None) in sources.reference or (crest, RKG.regionCode, None) in sources.reference
