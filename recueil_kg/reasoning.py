"""OWL RL reasoning with owlrl: what the ontology implies, kept apart from what was asserted.

One rule besides OWL RL: a statement, line or actor filed under a SKOS concept is also filed under
every broader concept (an emploi d'avenir line is a line of the emplois aidés, a fablab a third
place), so that a query on the broader concept finds it with a plain triple pattern.
"""
from __future__ import annotations

import owlrl
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

_NOISE_PREDICATES = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty}
_NOISE_OBJECTS = {RDFS.Resource, OWL.Thing, RDFS.Class, OWL.Class, RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty}


def infer(ontology: Graph, asserted: Graph) -> Graph:
    """Return only the new triples owlrl derives from ontology + asserted data.

    Reflexive and vocabulary-housekeeping triples (x owl:sameAs x, x a owl:Thing, literals as
    subjects…) are dropped: they say nothing a researcher would query.
    """
    work = Graph()
    work += ontology
    work += asserted
    before = set(work)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    for triple in broader_filing(work):
        work.add(triple)
    inferred = Graph()
    for s, p, o in work:
        if (s, p, o) in before or isinstance(s, Literal):
            continue
        if p in _NOISE_PREDICATES and s == o:
            continue
        if p == RDF.type and o in _NOISE_OBJECTS:
            continue
        if p in (RDFS.subClassOf, RDFS.subPropertyOf) and s == o:
            continue
        if isinstance(s, URIRef) and str(s).startswith(str(OWL)) or str(s).startswith(str(RDFS)) or str(s).startswith(str(RDF)):
            continue
        inferred.add((s, p, o))
    return inferred


def broader_filing(g: Graph) -> set:
    """(s, p, b) for every (s, p, c) where c has the broader concept b (transitively), p being any
    property but SKOS's and rdf:type."""
    out = set()
    for c in set(g.subjects(SKOS.broader, None)):
        above = set(g.transitive_objects(c, SKOS.broader)) - {c}
        for s, p in g.subject_predicates(c):
            if p == RDF.type or str(p).startswith(str(SKOS)):
                continue
            out.update((s, p, b) for b in above)
    return out
