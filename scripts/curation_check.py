"""Quick curation lint for one experience file (a helper for curators, not the product check).

Run: .venv/bin/python scripts/curation_check.py data/experiences/<id>.ttl
"""
import csv
import glob
import re
import sys

import rdflib
from rdflib import RDF, Namespace, URIRef

RKG = Namespace("https://w3id.org/recueil-kg/def#")
PROV = Namespace("http://www.w3.org/ns/prov#")
BASE = "https://w3id.org/recueil-kg/id/"


def main(path):
    problems = []
    g = rdflib.Graph()
    g.parse(path)
    concepts = rdflib.Graph()
    for f in glob.glob("data/concepts/*.ttl") + ["data/organisations.ttl"]:
        concepts.parse(f)
    onto = rdflib.Graph().parse("ontology/recueil.ttl")
    terms = set(onto.subjects())
    with open("data/sources/sections.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    sections = {f"{BASE}source/{r['experience']}.{r['section']}" for r in rows} | {f"{BASE}source/{r['experience']}" for r in rows}
    defined = set(g.subjects(RDF.type, None)) | set(concepts.subjects(RDF.type, None))
    for s, p, o in g:
        for t in (p, o) if isinstance(o, URIRef) else (p,):
            t = str(t)
            if t.startswith(str(RKG)) and URIRef(t) not in terms:
                problems.append(f"unknown ontology term {t}")
            if t.startswith(BASE + "concept/") and URIRef(t) not in defined:
                problems.append(f"unknown concept {t}")
            if t.startswith(BASE + "source/") and t not in sections:
                problems.append(f"unknown source section {t}")
            if t.startswith((BASE + "node/", BASE + "agent/")) and URIRef(t) not in defined:
                problems.append(f"referenced but not defined here or in organisations.ttl: {t}")
        if isinstance(o, rdflib.Literal) and re.search(r"[\w.-]+@[\w-]+\.\w+|\b0\d([ .]?\d\d){4}\b", str(o)):
            problems.append(f"personal e-mail or phone in literal of {s}")
    for cls in (RKG.ActorRole, RKG.FundingLine, RKG.Budget, RKG.Animation, RKG.Statement, RKG.ContextFact, RKG.Objective, RKG.Activity, RKG.Milestone, RKG.GovernanceArrangement, RKG.Result, RKG.DigitalContribution, RKG.SuccessFactor, RKG.Obstacle, RKG.PlannedStep, RKG.Testimony):
        for n in g.subjects(RDF.type, cls):
            if (n, PROV.wasDerivedFrom, None) not in g:
                problems.append(f"{n} has no prov:wasDerivedFrom")
    for f in g.subjects(RDF.type, RKG.FundingLine):
        for p in (RKG.level, RKG.fundingStatus, RKG.fundingKind):
            if (f, p, None) not in g:
                problems.append(f"{f} lacks {p}")
    for n, o in g.subject_objects(RKG.description):
        pass
    for n in set(g.subjects(RKG.description, None)):
        langs = {o.language for o in g.objects(n, RKG.description)}
        if not {"fr", "en"} <= langs:
            problems.append(f"{n} description lacks fr or en")
    exps = list(g.subjects(RDF.type, RKG.Experience))
    for e in exps:
        for p in (RKG.territory, RKG.theme, RKG.usesTechnology, RKG.hasSuccessFactor, RKG.hasResult, RKG.hasActorRole):
            if (e, p, None) not in g:
                problems.append(f"{e} lacks {p}")
    print(f"{path}: {len(g)} triples, {len(exps)} experience(s)")
    for p in sorted(set(problems)):
        print("  PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
