"""OWL RL reasoning with owlrl: what the ontology implies, kept apart from what was asserted."""
from __future__ import annotations

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

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
