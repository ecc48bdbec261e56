"""The ontology and the concept schemes are documented: labels in French and English, a comment."""
from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Namespace, URIRef

from recueil_kg.dataset import merge
from recueil_kg.namespaces import RKG

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def ontology(sources):
    return merge(sources.ontology.values())


@pytest.fixture(scope="module")
def concepts(sources):
    return merge(g for p, g in sources.data.items() if p.parent.name == "concepts")


def own_terms(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(str(RKG))})


def test_ontology_has_terms(ontology):
    assert len(own_terms(ontology)) > 80


def test_every_term_has_french_and_english_labels_and_a_comment(ontology):
    missing = []
    for t in own_terms(ontology):
        langs = {l.language for l in ontology.objects(t, RDFS.label)}
        if not {"fr", "en"} <= langs or (t, RDFS.comment, None) not in ontology:
            missing.append(str(t))
    assert missing == []


def test_every_concept_and_scheme_is_labelled_and_defined(concepts):
    bad = []
    for c in set(concepts.subjects(RDF.type, SKOS.Concept)) | set(concepts.subjects(RDF.type, SKOS.ConceptScheme)):
        langs = {l.language for l in concepts.objects(c, SKOS.prefLabel)}
        if not {"fr", "en"} <= langs or (c, SKOS.definition, None) not in concepts:
            bad.append(str(c))
    assert bad == []


def test_data_uses_only_terms_the_ontology_defines(sources, ontology):
    defined = set(own_terms(ontology))
    used = set()
    for g in sources.data.values():
        for s, p, o in g:
            used |= {t for t in (p, o) if isinstance(t, URIRef) and str(t).startswith(str(RKG))}
    assert used - defined == set()


def test_every_programme_has_a_funder_level(concepts):
    programmes = set(concepts.subjects(SKOS.inScheme, URIRef("https://w3id.org/recueil-kg/id/scheme/programme")))
    assert programmes and all((p, RKG.level, None) in concepts for p in programmes)
