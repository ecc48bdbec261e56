"""Resources of the graph on the web: IRI <-> local path, content negotiation, and the description queries.

A resource IRI ``<BASE_IRI>id/<path>`` is served at ``/id/<path>`` (303 to its document) and described at
``/doc/<path>`` (HTML) or ``/doc/<path>.ttl|.jsonld|.nt|.rdf``. Its description is: every triple with it as
subject, those of the n-ary nodes it links to (roles, funding lines, budgets, animation, statements and
their indicators) and of the booklet sections they derive from, the labels of linked resources, and the
incoming links. Every query binds the resource with a pyoxigraph substitution; no request text reaches SPARQL.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from flask import current_app

from ..errors import RecueilError
from ..namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, PREFIXES, dataset_graphs
from ..results import parse_accept
from ..workers import encode_term

ALL = dataset_graphs(True)
STATED = dataset_graphs(False)
INFERRED = str(GRAPH_INFERRED)
EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
EXT_OF = {v: k for k, v in EXTENSIONS.items()}
MEDIA_OF = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
            "rdfxml": "application/rdf+xml"}
ACCEPTED = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/ld+json": "jsonld",
            "application/json": "jsonld", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml",
            "text/html": "html", "application/xhtml+xml": "html", "text/*": "html", "*/*": "html"}
PATH_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*")
MAX_PATH = 300

PFX = "".join(f"PREFIX {k}: <{PREFIXES[k]}>\n" for k in ("rkg", "rdf", "rdfs", "skos", "prov", "dcterms", "wgs84", "igeo"))
NARY = "rkg:ActorRole rkg:FundingLine rkg:Budget rkg:Animation rkg:Statement rkg:Indicator rkg:FundingSourceMention"
LABELS = "rdfs:label skos:prefLabel"
PAGE_LABELS = LABELS + " rdf:type dcterms:title skos:notation wgs84:lat wgs84:long igeo:codeINSEE igeo:nom rkg:siren"


def _nary(var: str) -> str:
    """A filter keeping the n-ary nodes (types looked up in every named graph, so inferred superclasses count)."""
    return f"FILTER(isIRI({var}) && EXISTS {{ GRAPH ?gt {{ {var} a ?ct }} VALUES ?ct {{ {NARY} }} }})"


# The resource ?x, the n-ary nodes it links to (and theirs: indicators, shares), and the sections they derive from.
# `?x rkg:self? ?d` is a zero-length path (rkg:self does not exist): it binds ?d to ?x itself without BIND, so the
# query stays right when a remote store receives ?x as a trailing VALUES block instead of a substitution.
_DESCRIBED = f"""{{ SELECT DISTINCT ?x ?d WHERE {{
      {{ ?x rkg:self? ?d }}
      UNION {{ ?x ?p1 ?d . {_nary("?d")} }}
      UNION {{ ?x ?p1 ?n . {_nary("?n")} ?n ?p2 ?d . {_nary("?d")} }}
      UNION {{ ?x prov:wasDerivedFrom ?d }}
      UNION {{ ?x ?p1 ?n . {_nary("?n")} ?n prov:wasDerivedFrom ?d }}
  }} }}
  ?d ?p ?o .
  OPTIONAL {{ ?o ?lp ?l . VALUES ?lp {{ %s }} }}"""

RDF_QUERY = PFX + f"""CONSTRUCT {{ ?d ?p ?o . ?o ?lp ?l . ?s ?ip ?x . ?s ?slp ?sl }}
WHERE {{
  {{ {_DESCRIBED % LABELS} }}
  UNION
  {{ ?s ?ip ?x . OPTIONAL {{ ?s ?slp ?sl . VALUES ?slp {{ {LABELS} }} }} }}
}}"""

PAGE_QUERY = PFX + f"CONSTRUCT {{ ?d ?p ?o . ?o ?lp ?l }}\nWHERE {{\n  {_DESCRIBED % PAGE_LABELS}\n}}"

# Incoming links (with the labels of their subjects and, for n-ary nodes, the experience or booklet owning
# them) and the links the reasoner added, run over all graphs. The build keeps out of the inferred graph every
# triple already stated (reasoning.py), so "in the inferred graph" means "inferred only".
LINKS_QUERY = PFX + f"""SELECT ?x ?dir ?s ?p ?o ?lp ?l ?e ?el WHERE {{
  {{ ?s ?p ?x . FILTER(!sameTerm(?s, ?x))
     BIND(IF(EXISTS {{ GRAPH <{INFERRED}> {{ ?s ?p ?x }} }}, "in-inferred", "in") AS ?dir)
     OPTIONAL {{ ?s ?lp ?l . VALUES ?lp {{ {LABELS} dcterms:title rkg:description rkg:purpose }} }}
     OPTIONAL {{ {{ ?e ?ep ?s }} UNION {{ ?e ?ep ?mid . ?mid rkg:hasIndicator ?s }}
                {_nary("?s")} ?e a ?ec . VALUES ?ec {{ rkg:Experience rkg:Booklet }}
                OPTIONAL {{ ?e rdfs:label ?el }} }} }}
  UNION
  {{ GRAPH <{INFERRED}> {{ ?x ?p ?o }} BIND("inferred" AS ?dir)
     OPTIONAL {{ ?o ?lp ?l . VALUES ?lp {{ {LABELS} }} }} }}
}}"""

EXISTS_QUERY = "ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }"


# ------------------------------------------------------------------ IRIs and paths

def base_iri() -> str:
    base = str(current_app.extensions["recueil"]["config"]["BASE_IRI"])
    return base if base.endswith("/") else base + "/"


def def_ns() -> str:
    return base_iri() + "def#"


def check_path(path: str) -> str:
    """The local part of a resource IRI, or 404: only the characters our IRIs use, no empty or dot segments."""
    if not path or len(path) > MAX_PATH or not PATH_RE.fullmatch(path) or any(s in ("..", ".") for s in path.split("/")):
        raise RecueilError("no such resource: the identifier is not one this graph mints", status=404)
    return path


def iri_for(path: str) -> str:
    return base_iri() + "id/" + check_path(path)


def split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS:
        return stem, EXTENSIONS[ext]
    return path, None


def href(iri: str) -> str:
    """The local page of an IRI of this graph (or the IRI itself when it is not ours)."""
    base = base_iri()
    if iri.startswith(base + "id/"):
        return "/doc/" + iri[len(base) + 3:]
    if iri.startswith(base + "def#"):
        return "/def#" + iri[len(base) + 4:]
    if iri == base + "def":
        return "/def"
    return iri


def negotiate_page(accept: str | None) -> str:
    """'html' or an RDF format for a /doc or /id request; 406 when nothing offered is acceptable."""
    for media, _q in parse_accept(accept):
        fmt = ACCEPTED.get(media)
        if fmt:
            return fmt
        if media == "application/*":
            return "jsonld"
    raise RecueilError(f"none of the accepted media types ({accept}) is offered; use text/html, "
                       + ", ".join(sorted(MEDIA_OF.values())), status=406)


# ------------------------------------------------------------------ values

COG = {PREFIXES["igeo"] + "Commune": ("commune", "COM"), PREFIXES["igeo"] + "Departement": ("departement", "DEP"),
       PREFIXES["igeo"] + "Region": ("region", "REG")}


MORE_PREFIXES = {"foaf": "http://xmlns.com/foaf/0.1/", "vann": "http://purl.org/vocab/vann/", "dcat": "http://www.w3.org/ns/dcat#"}


def compact(iri: str) -> str:
    for k, ns in sorted((PREFIXES | MORE_PREFIXES).items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{k}:{iri[len(ns):]}"
    return iri


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri


def key(term) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def insee_url(types: set[str], code: str, name: str | None) -> str:
    """The INSEE COG page of a commune, département or région (COM<code>-<name>), else INSEE's search for the code."""
    for t, (kind, pfx) in COG.items():
        if t in types and name:
            return f"https://www.insee.fr/fr/metadonnees/cog/{kind}/{pfx}{code}-{slug(name)}"
    return f"https://www.insee.fr/fr/recherche?q={code}"


def number(value: str, lang: str, group_from: int = 10000) -> str:
    """A decimal as printed (all its digits), with thousands grouped from group_from on, in the page's style."""
    try:
        Decimal(value)
    except (InvalidOperation, ValueError):
        return value
    sign, digits = ("-", value[1:]) if value.startswith("-") else ("", value.lstrip("+"))
    whole, dot, frac = digits.partition(".")
    if whole.isdigit() and int(whole) >= group_from:
        whole = f"{int(whole):,}".replace(",", "\u202f" if lang == "fr" else ",")
    return sign + whole + ((("," if lang == "fr" else ".") + frac) if dot else "")


def euros(value: str, lang: str) -> str:
    return f"{number(value, lang, 1000)}\u00a0€" if lang == "fr" else f"€{number(value, lang, 1000)}"


def percent(value: str, lang: str) -> str:
    try:
        p = Decimal(value) * 100
    except (InvalidOperation, ValueError):
        return value
    return number(format(p.normalize(), "f"), lang) + ("\u00a0%" if lang == "fr" else "%")


# ------------------------------------------------------------------ running queries

def _run(query: str, fmt: str, subs: dict, graphs: list[str]) -> dict:
    ext = current_app.extensions["recueil"]
    cfg = ext["config"]
    job = {"query": query, "default_graph": graphs, "named_graphs": ALL, "format": fmt, "cap": cfg["ROW_CAP"],
           "substitutions": subs, "prefixes": PREFIXES}
    return ext["backend"].run(job, cfg["DEADLINE"])


def _x(iri: str) -> dict:
    return {"x": encode_term(ox.NamedNode(iri))}


def exists(iri: str) -> bool:
    body = _run(EXISTS_QUERY, "json", _x(iri), ALL)["body"]
    return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


def rdf(iri: str, fmt: str) -> dict:
    """The description of a resource serialised in an RDF format (the backend's answer dict), 404 if unknown."""
    answer = _run(RDF_QUERY, fmt, _x(iri), ALL)
    if answer["rows"] == 0:
        raise RecueilError(f"no such resource: {iri}", status=404)
    return answer


def graph_triples(query: str, subs: dict, graphs: list[str]) -> list[ox.Triple]:
    body = _run(query, "ntriples", subs, graphs)["body"]
    return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))


def solutions(query: str, subs: dict, graphs: list[str] = ALL) -> list[dict]:
    """SELECT rows as {variable: pyoxigraph term} (unbound variables left out)."""
    body = _run(query, "json", subs, graphs)["body"]
    res = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in res.variables]
    return [{n: sol[n] for n in names if sol[n] is not None} for sol in res]


def page_data(iri: str) -> tuple[list[ox.Triple], list[dict]]:
    """What a page needs: the stated description (triples) and the incoming and inferred links (rows)."""
    return graph_triples(PAGE_QUERY, _x(iri), STATED), solutions(LINKS_QUERY, _x(iri))


def ontology_triples() -> list[ox.Triple]:
    return graph_triples("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {}, [str(GRAPH_ONTOLOGY)])


def ontology_rdf(fmt: str) -> dict:
    return _run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", fmt, {}, [str(GRAPH_ONTOLOGY)])


def cached(name: str, compute):
    """A per-application cache for facts that do not change while the server runs (the store is read-only)."""
    store = current_app.extensions["recueil"].setdefault("pages_cache", {})
    if name not in store:
        store[name] = compute()
    return store[name]
