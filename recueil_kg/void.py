"""The VoID description of the dataset: statistics, partitions, endpoint, examples and linksets.

Statistics are read with ``select(query) -> [ {var: lexical value} ]`` over the four named graphs (the
web app passes its Catalogue, ``recueil-kg export`` an in-memory store), so the file in the release and
the page served at /.well-known/void are made by the same code.
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, XSD

from .namespaces import IGEO, PREFIXES

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EXAMPLES = ("id/experience/drive-bois-anjou", "id/experience/petite-sadie", "id/territory/region-52",
            "id/node/petite-sadie.funding-etat-fnadt", "id/agent/union-europeenne", "id/concept/programme/leader")
VOCABULARIES = ("rkg", "schema", "org", "skos", "prov", "dcterms", "igeo", "geo", "wgs84")
COG_HOME = "https://www.insee.fr/fr/information/2560452"


def void_stats(select, base: str) -> dict:
    """Counts over the whole dataset (every named graph); triples are counted per graph, as stored."""
    graphs = {r["g"]: int(r["n"]) for r in select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    one = select("""SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?p) AS ?properties)
                    WHERE { GRAPH ?g { ?s ?p ?o } }""")[0]
    classes = {r["c"]: int(r["n"]) for r in select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY DESC(?n) ?c")}
    props = {r["p"]: int(r["n"]) for r in select(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY DESC(?n) ?p")}
    entities = select(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                         FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}""")[0]["n"]
    insee = select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{IGEO}codeINSEE> ?code }} }}")[0]["n"]
    communes = select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{IGEO}Commune> ; <{IGEO}codeINSEE> ?c }} }}")[0]["n"]
    return {"graphs": graphs, "triples": sum(graphs.values()), "subjects": int(one["subjects"]), "objects": int(one["objects"]),
            "properties": int(one["properties"]), "classes": classes, "property_counts": props, "entities": int(entities),
            "insee_links": int(insee), "communes_with_code": int(communes)}


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def void_graph(stats: dict, base: str, endpoint_url: str, dumps: list[str], dataset_iri: str | None = None) -> Graph:
    g = Graph()
    for k in ("dcterms", "rkg", "igeo", "owl", "xsd"):
        g.bind(k, PREFIXES[k])
    g.bind("void", VOID)
    g.bind("sd", SD)
    g.bind("foaf", FOAF)
    doc = base + ".well-known/void"
    ds = URIRef(dataset_iri or base + "dataset")
    g.add((URIRef(doc), RDF.type, VOID.DatasetDescription))
    g.add((URIRef(doc), DCTERMS.title, Literal("Description VoID de recueil-kg", lang="fr")))
    g.add((URIRef(doc), DCTERMS.title, Literal("VoID description of recueil-kg", lang="en")))
    g.add((URIRef(doc), FOAF.primaryTopic, ds))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("recueil-kg : expériences numériques et développement rural", lang="fr")))
    g.add((ds, DCTERMS.title, Literal("recueil-kg: digital experiences and rural development", lang="en")))
    g.add((ds, DCTERMS.license, URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(endpoint_url)))
    g.add((ds, VOID.uriSpace, Literal(base + "id/")))
    for d in dumps:
        g.add((ds, VOID.dataDump, URIRef(d)))
    for v in VOCABULARIES:
        g.add((ds, VOID.vocabulary, URIRef(PREFIXES[v])))
    for ex in EXAMPLES:
        g.add((ds, VOID.exampleResource, URIRef(base + ex)))
    g.add((ds, VOID.rootResource, URIRef(base + "id/source/recueil-2018")))
    for f in ("http://www.w3.org/ns/formats/TriG", "http://www.w3.org/ns/formats/N-Quads", "http://www.w3.org/ns/formats/Turtle",
              "http://www.w3.org/ns/formats/JSON-LD", "http://www.w3.org/ns/formats/N-Triples"):
        g.add((ds, VOID.feature, URIRef(f)))
    g.add((ds, VOID.triples, _int(stats["triples"])))
    g.add((ds, VOID.entities, _int(stats["entities"])))
    g.add((ds, VOID.classes, _int(len(stats["classes"]))))
    g.add((ds, VOID.properties, _int(stats["properties"])))
    g.add((ds, VOID.distinctSubjects, _int(stats["subjects"])))
    g.add((ds, VOID.distinctObjects, _int(stats["objects"])))
    for name, n in sorted(stats["graphs"].items()):
        sub = URIRef(doc + "#graph-" + name.rstrip("/").rsplit("/", 1)[-1])
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(name)))
        g.add((sub, VOID.triples, _int(n)))
    for c, n in stats["classes"].items():
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(c)))
        g.add((part, VOID.entities, _int(n)))
    for p, n in stats["property_counts"].items():
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(p)))
        g.add((part, VOID.triples, _int(n)))
    _linksets(g, doc, ds, stats, base)
    return g


def _linksets(g: Graph, doc: str, ds: URIRef, stats: dict, base: str) -> None:
    cog, wd = URIRef(doc + "#insee-cog"), URIRef(doc + "#wikidata")
    g.add((cog, RDF.type, VOID.Dataset))
    g.add((cog, DCTERMS.title, Literal("Code officiel géographique (COG) de l'INSEE", lang="fr")))
    g.add((cog, DCTERMS.title, Literal("INSEE's official geographic code (COG)", lang="en")))
    g.add((cog, FOAF.homepage, URIRef(COG_HOME)))
    g.add((cog, VOID.uriSpace, Literal("http://id.insee.fr/geo/")))
    g.add((cog, VOID.sparqlEndpoint, URIRef("https://rdf.insee.fr/sparql")))
    ls = URIRef(doc + "#linkset-insee-cog")
    g.add((ds, VOID.subset, ls))
    g.add((ls, RDF.type, VOID.Linkset))
    g.add((ls, VOID.subjectsTarget, ds))
    g.add((ls, VOID.objectsTarget, cog))
    g.add((ls, VOID.linkPredicate, IGEO.codeINSEE))
    g.add((ls, VOID.triples, _int(stats["insee_links"])))
    g.add((ls, DCTERMS.description, Literal(
        "Les communes, départements et régions portent leur code officiel INSEE (igeo:codeINSEE), qui les identifie dans le "
        "Code officiel géographique ; les faits géographiques (population légale, codes parents, point) viennent d'un extrait "
        "figé du COG (data/reference/insee-extract.json), apparié par code, jamais par nom.", lang="fr")))
    g.add((ls, DCTERMS.description, Literal(
        "Communes, départements and régions carry their official INSEE code (igeo:codeINSEE), which identifies them in INSEE's "
        "Code officiel géographique; geographic facts (legal population, parent codes, map point) come from a frozen COG extract "
        "(data/reference/insee-extract.json), matched by code, never by name.", lang="en")))
    g.add((wd, RDF.type, VOID.Dataset))
    g.add((wd, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((wd, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    g.add((wd, VOID.uriSpace, Literal("http://www.wikidata.org/entity/")))
    g.add((wd, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
    lw = URIRef(doc + "#linkset-wikidata")
    g.add((ds, VOID.subset, lw))
    g.add((lw, RDF.type, VOID.Linkset))
    g.add((lw, VOID.subjectsTarget, ds))
    g.add((lw, VOID.objectsTarget, wd))
    g.add((lw, VOID.linkPredicate, OWL.sameAs))
    g.add((lw, RDFS.seeAlso, URIRef(base + "queries/wikidata-territories")))
    g.add((lw, RDFS.seeAlso, URIRef("http://www.wikidata.org/entity/P374")))
    g.add((lw, DCTERMS.description, Literal(
        f"Liens calculés, non stockés : la requête fédérée prédéfinie wikidata-territories joint chacune des {stats['communes_with_code']} "
        "communes à son élément Wikidata par le code INSEE (propriété P374). Elle a besoin d'internet et est refusée par le point "
        "d'accès public : `recueil-kg query --preset wikidata-territories --allow-federation`.", lang="fr")))
    g.add((lw, DCTERMS.description, Literal(
        f"Computed, not stored: the federated preset query wikidata-territories joins each of the {stats['communes_with_code']} "
        "communes to its Wikidata item through the INSEE code (property P374). It needs internet access and is refused by the "
        "public endpoint: `recueil-kg query --preset wikidata-territories --allow-federation`.", lang="en")))


__all__ = ["VOID", "void_graph", "void_stats"]
