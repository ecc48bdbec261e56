"""The DCAT-AP description of the dataset, its distributions (the release files) and its SPARQL service."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, XSD

from .namespaces import PREFIXES
from .tables import TABLES

LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
COUNTRIES = {"FR": "FRA", "DE": "DEU"}


@dataclass(frozen=True)
class Dist:
    name: str
    media: str
    eu_format: str | None
    fr: str
    en: str
    rdf: bool = False


DISTRIBUTIONS: tuple[Dist, ...] = (
    Dist("dataset.trig", "application/trig", "RDF_TRIG", "Jeu complet : ontologie, données, référentiel géographique et inférences (graphes nommés, TriG)",
         "Full dataset: ontology, data, geographic reference and inferences (named graphs, TriG)", True),
    Dist("dataset.nq", "application/n-quads", "RDF_N_QUADS", "Jeu complet (N-Quads)", "Full dataset (N-Quads)", True),
    Dist("asserted.ttl", "text/turtle", "RDF_TURTLE", "Graphe des faits saisis, sans inférences (Turtle)", "Asserted graph, without inferences (Turtle)", True),
    Dist("asserted.jsonld", "application/ld+json", "JSON_LD", "Graphe des faits saisis (JSON-LD)", "Asserted graph (JSON-LD)", True),
    Dist("asserted.nt", "application/n-triples", "RDF_N_TRIPLES", "Graphe des faits saisis (N-Triples)", "Asserted graph (N-Triples)", True),
    Dist("ontology.ttl", "text/turtle", "RDF_TURTLE", "Ontologie OWL rkg: (Turtle)", "OWL ontology rkg: (Turtle)", True),
    Dist("shapes.ttl", "text/turtle", "RDF_TURTLE", "Formes SHACL de validation (Turtle)", "SHACL validation shapes (Turtle)", True),
    *(Dist(f"{t.name}.csv", "text/csv", "CSV", f"Table {t.name} (CSV) — {t.fr}", f"Table {t.name} (CSV) — {t.en}") for t in TABLES),
    Dist("data-dictionary.csv", "text/csv", "CSV", "Dictionnaire des données des tables CSV (CSV)", "Data dictionary of the CSV tables (CSV)"),
    Dist("data-dictionary.md", "text/markdown", None, "Dictionnaire des données des tables CSV (Markdown)", "Data dictionary of the CSV tables (Markdown)"),
    Dist("void.ttl", "text/turtle", "RDF_TURTLE", "Description VoID : statistiques et jeux de liens (Turtle)", "VoID description: statistics and linksets (Turtle)", True),
)
KEYWORDS = {"fr": ("numérique", "développement rural", "ruralité", "territoires", "tiers-lieux", "circuits courts", "financement",
                   "LEADER", "FEDER", "Réseau rural national", "graphe de connaissances"),
            "en": ("digital", "rural development", "rurality", "territories", "third places", "short supply chains", "funding",
                   "LEADER", "ERDF", "National Rural Network", "knowledge graph")}


def coverage(select) -> dict:
    """Years and places the experiences cover, read from the graph (all graphs, inferences included)."""
    years = select(f"""PREFIX rkg: <{PREFIXES['rkg']}> PREFIX schema: <{PREFIXES['schema']}>
        SELECT (MIN(?y) AS ?start) (MAX(?y) AS ?end) WHERE {{ ?e a rkg:Experience .
          {{ ?e rkg:startYear ?d }} UNION {{ ?e schema:startDate ?d }} UNION {{ ?e rkg:hasMilestone ?m . ?m rkg:when ?d }}
          BIND(SUBSTR(STR(?d), 1, 4) AS ?y) }}""")
    places = select(f"""PREFIX rkg: <{PREFIXES['rkg']}> PREFIX igeo: <{PREFIXES['igeo']}> PREFIX rdfs: <{PREFIXES['rdfs']}>
        SELECT DISTINCT ?p ?kind ?code ?label ?label_en WHERE {{ ?e a rkg:Experience ; rkg:inTerritory ?p . ?p a ?kind .
          FILTER(?kind IN (igeo:Region, rkg:ForeignState, rkg:Country))
          OPTIONAL {{ ?p rkg:officialCode ?code }} OPTIONAL {{ ?p rdfs:label ?label FILTER(lang(?label) = "fr") }}
          OPTIONAL {{ ?p rdfs:label ?label_en FILTER(lang(?label_en) = "en") }} }} ORDER BY ?kind ?p""")
    y = years[0] if years else {}
    return {"start": y.get("start"), "end": y.get("end"), "places": places}


def changelog_dates(root: Path) -> list[str]:
    try:
        text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    except OSError:
        return []
    return re.findall(r"^## \S+ — (\d{4}-\d{2}-\d{2})", text, flags=re.MULTILINE)


def dcat_graph(base: str, cov: dict, files: dict, download_base: str, endpoint_url: str, *,
               version: str, issued: str, modified: str) -> Graph:
    """``files``: name -> {"size": int, "sha256": hex} for the files present (sizes and checksums omitted when absent)."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("spdx", SPDX), ("vcard", VCARD), ("prov", PROV),
                       ("adms", ADMS), ("owl", OWL), ("xsd", XSD)):
        g.bind(prefix, ns)
    ds, cat, svc = URIRef(base + "dataset"), URIRef(base + "dataset#catalog"), URIRef(base + "dataset#sparql-service")
    project, contact, booklet = URIRef(base + "dataset#project"), URIRef(base + "dataset#contact"), URIRef(base + "id/source/recueil-2018")
    rrn = URIRef(base + "id/agent/reseau-rural-national")
    add = g.add

    def both(s, p, fr, en):
        add((s, p, Literal(fr, lang="fr")))
        add((s, p, Literal(en, lang="en")))

    add((cat, RDF.type, DCAT.Catalog))
    both(cat, DCTERMS.title, "Catalogue de recueil-kg", "recueil-kg catalogue")
    both(cat, DCTERMS.description, "Le jeu de données recueil-kg, ses fichiers téléchargeables et son point d'accès SPARQL.",
         "The recueil-kg dataset, its downloadable files and its SPARQL endpoint.")
    add((cat, DCTERMS.publisher, project))
    add((cat, DCTERMS.license, LICENCE))
    add((cat, FOAF.homepage, URIRef(base)))
    add((cat, DCAT.dataset, ds))
    add((cat, DCAT.service, svc))
    add((cat, DCTERMS.language, URIRef(EU + "language/FRA")))
    add((cat, DCTERMS.language, URIRef(EU + "language/ENG")))

    add((ds, RDF.type, DCAT.Dataset))
    both(ds, DCTERMS.title, "recueil-kg : expériences numériques et développement rural",
         "recueil-kg: digital experiences and rural development")
    both(ds, DCTERMS.description,
         "Graphe de connaissances des 17 expériences du recueil 2018 du Réseau rural national « L'impact des usages du numérique sur "
         "le développement rural » : territoires, acteurs et rôles, financeurs et programmes avec montants, budgets, animation, "
         "technologies, facteurs de réussite, freins et résultats, chaque fait relié à la section du recueil dont il vient.",
         "Knowledge graph of the 17 experiences of the National Rural Network's 2018 booklet on the impact of digital uses on rural "
         "development: territories, actors and roles, funders and programmes with amounts, budgets, animation, technologies, "
         "success factors, obstacles and results, every fact traced to the booklet section it comes from.")
    add((ds, DCTERMS.identifier, Literal(base + "dataset")))
    add((ds, DCAT.landingPage, URIRef(base + "dataset")))
    add((ds, DCTERMS.publisher, project))
    add((ds, DCTERMS.creator, project))
    add((ds, DCAT.contactPoint, contact))
    add((ds, DCTERMS.license, LICENCE))
    add((ds, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    add((ds, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG")))
    add((ds, URIRef(str(DCAT) + "version"), Literal(version)))
    add((ds, OWL.versionInfo, Literal(version)))
    add((ds, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    add((ds, DCTERMS.conformsTo, URIRef(PREFIXES["rkg"].rstrip("#"))))
    add((ds, DCTERMS.source, booklet))
    add((ds, PROV.wasDerivedFrom, booklet))
    for lang in ("FRA", "ENG"):
        add((ds, DCTERMS.language, URIRef(EU + "language/" + lang)))
    for theme in ("AGRI", "REGI", "TECH", "SOCI", "ECON"):
        add((ds, DCAT.theme, URIRef(EU + "data-theme/" + theme)))
    for lang, words in KEYWORDS.items():
        for w in words:
            add((ds, DCAT.keyword, Literal(w, lang=lang)))
    if cov.get("start") and cov.get("end"):
        period = BNode()
        add((ds, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, Literal(cov["start"], datatype=XSD.gYear)))
        add((period, DCAT.endDate, Literal(cov["end"], datatype=XSD.gYear)))
    for p in cov.get("places", []):
        add((ds, DCTERMS.spatial, URIRef(p["p"])))
        if p.get("code") in COUNTRIES:
            add((ds, DCTERMS.spatial, URIRef(EU + "country/" + COUNTRIES[p["code"]])))

    add((project, RDF.type, FOAF.Organization))
    both(project, FOAF.name, "Projet recueil-kg", "recueil-kg project")
    add((project, FOAF.homepage, URIRef(base)))
    add((contact, RDF.type, VCARD.Organization))
    both(contact, VCARD.fn, "recueil-kg — équipe de curation des données", "recueil-kg — data curation team")
    add((contact, VCARD.hasURL, URIRef(base)))
    add((booklet, RDF.type, DCTERMS.BibliographicResource))
    add((booklet, DCTERMS.title, Literal("L'impact des usages du numérique sur le développement rural : Recueil d'expériences", lang="fr")))
    add((booklet, DCTERMS.publisher, rrn))
    add((booklet, DCTERMS.issued, Literal("2018", datatype=XSD.gYear)))
    add((rrn, RDF.type, FOAF.Organization))
    add((rrn, FOAF.name, Literal("Réseau rural national", lang="fr")))
    add((rrn, FOAF.homepage, URIRef("http://www.reseaurural.fr")))
    add((ds, PROV.qualifiedAttribution, _attribution(g, rrn)))

    add((svc, RDF.type, DCAT.DataService))
    both(svc, DCTERMS.title, "Point d'accès SPARQL de recueil-kg (lecture seule)", "recueil-kg SPARQL endpoint (read-only)")
    add((svc, DCAT.endpointURL, URIRef(endpoint_url)))
    add((svc, DCAT.endpointDescription, URIRef(endpoint_url)))
    add((svc, DCAT.servesDataset, ds))
    add((svc, DCTERMS.license, LICENCE))
    add((svc, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    api = URIRef(base + "dataset#dist-sparql")
    add((ds, DCAT.distribution, api))
    add((api, RDF.type, DCAT.Distribution))
    both(api, DCTERMS.title, "Interrogation SPARQL 1.1", "SPARQL 1.1 queries")
    add((api, DCAT.accessURL, URIRef(endpoint_url)))
    add((api, DCAT.accessService, svc))
    add((api, DCTERMS.license, LICENCE))

    for d in DISTRIBUTIONS:
        _distribution(g, ds, d, base, download_base, files.get(d.name))
    return g


def _attribution(g: Graph, agent: URIRef) -> BNode:
    att = BNode()
    g.add((att, RDF.type, PROV.Attribution))
    g.add((att, PROV.agent, agent))
    g.add((att, DCAT.hadRole, URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/originator")))
    return att


def _distribution(g: Graph, ds: URIRef, d: Dist, base: str, download_base: str, info: dict | None) -> None:
    node = URIRef(base + "dataset#dist-" + d.name)
    url = URIRef(download_base + d.name)
    g.add((ds, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(d.fr, lang="fr")))
    g.add((node, DCTERMS.title, Literal(d.en, lang="en")))
    g.add((node, DCAT.downloadURL, url))
    g.add((node, DCAT.accessURL, url))
    g.add((node, DCAT.mediaType, URIRef(IANA + d.media)))
    if d.eu_format:
        g.add((node, DCTERMS.format, URIRef(EU + "file-type/" + d.eu_format)))
    g.add((node, DCTERMS.license, LICENCE))
    if d.rdf:
        g.add((node, DCTERMS.conformsTo, URIRef(PREFIXES["rkg"].rstrip("#"))))
    elif d.name[:-4] in {t.name for t in TABLES}:
        g.add((node, DCTERMS.conformsTo, URIRef(download_base + "data-dictionary.md")))
    if info:
        g.add((node, DCAT.byteSize, Literal(info["size"], datatype=XSD.nonNegativeInteger)))
        ck = BNode()
        g.add((node, SPDX.checksum, ck))
        g.add((ck, RDF.type, SPDX.Checksum))
        g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((ck, SPDX.checksumValue, Literal(info["sha256"], datatype=XSD.hexBinary)))
