"""IRIs of the vocabularies and of the graph's own resources."""
from rdflib import Namespace, URIRef

BASE = "https://w3id.org/recueil-kg/"
RKG = Namespace(BASE + "def#")
ID = Namespace(BASE + "id/")
EXP = Namespace(BASE + "id/experience/")
SRC = Namespace(BASE + "id/source/")
TERR = Namespace(BASE + "id/territory/")
SECTION = Namespace(BASE + "id/concept/section/")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

GRAPH_ONTOLOGY = URIRef(BASE + "graph/ontology")
GRAPH_ASSERTED = URIRef(BASE + "graph/asserted")
GRAPH_REFERENCE = URIRef(BASE + "graph/reference")
GRAPH_INFERRED = URIRef(BASE + "graph/inferred")
DATASET_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_ASSERTED, GRAPH_REFERENCE, GRAPH_INFERRED)


def dataset_graphs(include_inferred: bool = True) -> list[str]:
    """The names of the built dataset's graphs (the query default graph), with or without the inferred one."""
    return [str(g) for g in DATASET_GRAPHS if include_inferred or g != GRAPH_INFERRED]

PREFIXES = {
    "rkg": str(RKG),
    "exp": str(EXP),
    "agent": BASE + "id/agent/",
    "terr": str(TERR),
    "node": BASE + "id/node/",
    "src": str(SRC),
    "scheme": BASE + "id/scheme/",
    "theme": BASE + "id/concept/theme/",
    "tech": BASE + "id/concept/tech/",
    "factor": BASE + "id/concept/success-factor/",
    "obstacle": BASE + "id/concept/obstacle/",
    "result": BASE + "id/concept/result-type/",
    "need": BASE + "id/concept/need/",
    "prog": BASE + "id/concept/programme/",
    "role": BASE + "id/concept/role/",
    "anim": BASE + "id/concept/animation/",
    "atype": BASE + "id/concept/actor-type/",
    "level": BASE + "id/concept/level/",
    "fkind": BASE + "id/concept/funding-kind/",
    "fstatus": BASE + "id/concept/funding-status/",
    "scale": BASE + "id/concept/scale/",
    "status": BASE + "id/concept/status/",
    "bkind": BASE + "id/concept/budget-kind/",
    "freq": BASE + "id/concept/frequency/",
    "qual": BASE + "id/concept/qualifier/",
    "section": str(SECTION),
    "igeo": str(IGEO),
    "geo": str(GEO),
    "wgs84": str(WGS84),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
