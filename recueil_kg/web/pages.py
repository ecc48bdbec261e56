"""Resource pages and dereferencing: the home page, /id/<path> (303), /doc/<path>[.ttl|.jsonld|.nt|.rdf], /def.

Cool URIs: an identifier /id/<path> is not a document; it answers 303 See Other to the HTML or RDF document
about it, chosen by the Accept header. Pages are server-rendered in French or English and need no JavaScript.
"""
from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, current_app, g, redirect, render_template, request

from ..errors import RecueilError
from ..namespaces import GRAPH_ONTOLOGY, PREFIXES
from ..workers import encode_term
from . import resources as res
from .describe import RKG, TYPE, Described, experience, group_links
from .endpoint import result_response
from .i18n import LANGS

bp = Blueprint("pages", __name__)
OWL, SKOS = PREFIXES["owl"], PREFIXES["skos"]
HOME_COUNTS = [("Experience", "expériences", "experiences"), ("Organisation", "organisations", "organisations"),
               ("Person", "personnes", "people"), ("Territory", "territoires", "territories"),
               ("FundingLine", "lignes de financement", "funding lines")]
THEMES_QUERY = res.PFX + """SELECT ?scheme ?theme ?tl ?notation ?e ?el ?num WHERE {
  ?theme skos:inScheme ?scheme ; skos:prefLabel ?tl .
  OPTIONAL { ?theme skos:notation ?notation }
  OPTIONAL { ?e rkg:theme ?theme ; rdfs:label ?el . OPTIONAL { ?e rkg:bookletNumber ?num } }
}"""
RELATED_QUERY = res.PFX + """SELECT DISTINCT ?x ?kind ?via ?vl ?e ?el WHERE {
  { ?x rkg:hasFundingLine/rkg:programme ?via . ?e rkg:hasFundingLine/rkg:programme ?via . BIND("programme" AS ?kind) }
  UNION { ?x rkg:usesTechnology ?via . ?e rkg:usesTechnology ?via . BIND("technology" AS ?kind) }
  UNION { ?x rkg:hasSuccessFactor/rkg:category ?via . ?e rkg:hasSuccessFactor/rkg:category ?via . BIND("factor" AS ?kind) }
  ?e a rkg:Experience . FILTER(!sameTerm(?e, ?x))
  OPTIONAL { ?via skos:prefLabel ?vl } OPTIONAL { ?e rdfs:label ?el }
}"""
TERM_LABELS_QUERY = res.PFX + "SELECT ?t ?l WHERE { ?t rdfs:label ?l FILTER(isIRI(?t)) }"


def lang() -> str:
    return g.get("lang", "fr")


def term_labels() -> dict[str, dict[str, str]]:
    def compute():
        out: dict[str, dict[str, str]] = {}
        for r in res.solutions(TERM_LABELS_QUERY, {}, [str(GRAPH_ONTOLOGY)]):
            out.setdefault(r["t"].value, {})[r["l"].language or "fr"] = r["l"].value
        return out
    return res.cached("term_labels", compute)


def routes() -> set[str]:
    return {r.rule for r in current_app.url_map.iter_rules()}


# ------------------------------------------------------------------ home

def _themes() -> dict:
    scheme = res.base_iri() + "id/scheme/theme"
    rows = res.solutions(THEMES_QUERY, {"scheme": encode_term(ox.NamedNode(scheme))}, res.STATED)
    themes: dict[str, dict] = {}
    for r in rows:
        t = themes.setdefault(r["theme"].value, {"href": res.href(r["theme"].value), "labels": {}, "exps": {},
                                                  "n": int(r["notation"].value) if "notation" in r and r["notation"].value.isdigit() else 99})
        t["labels"][r["tl"].language or "fr"] = r["tl"].value
        if "e" in r:
            e = t["exps"].setdefault(r["e"].value, {"href": res.href(r["e"].value), "labels": {}, "num": r["num"].value if "num" in r else None})
            e["labels"][r["el"].language or "fr"] = r["el"].value
    return themes


@bp.route("/")
def home():
    cat = current_app.extensions["recueil"]["catalogue"]
    stats = cat.stats()
    counts = [(stats["classes"].get(RKG + c, 0), fr, en) for c, fr, en in HOME_COUNTS]
    order = lambda e: (int(e["num"]) if e["num"] and e["num"].isdigit() else 99, e["href"])
    themes = [t | {"exps": sorted(t["exps"].values(), key=order)}
              for t in sorted(res.cached("themes", _themes).values(), key=lambda t: t["n"])]
    experiences = {e["href"]: e for t in themes for e in t["exps"]}
    known = routes()
    return render_template("web/pages/home.html", counts=counts, triples=sum(stats["graphs"].values()), themes=themes,
                           experiences=sorted(experiences.values(), key=order), has=lambda rule: rule in known)


# ------------------------------------------------------------------ dereferencing

@bp.route("/id/<path:path>")
def identifier(path: str):
    iri = res.iri_for(path)
    fmt = res.negotiate_page(request.headers.get("Accept"))
    if not res.exists(iri):
        raise RecueilError(f"no such resource: {iri}", status=404)
    target = "/doc/" + path + ("" if fmt == "html" else "." + res.EXT_OF[fmt])
    if request.args.get("lang") in LANGS:
        target += "?lang=" + request.args["lang"]
    resp = redirect(target, code=303)
    resp.headers["Vary"] = "Accept"
    return resp


@bp.route("/doc/<path:path>")
def document(path: str):
    stem, fmt = res.split_extension(path)
    iri = res.iri_for(stem)
    if fmt is None:
        fmt = res.negotiate_page(request.headers.get("Accept"))
    if fmt != "html":
        return result_response(res.rdf(iri, fmt), fmt)
    triples, rows = res.page_data(iri)
    d = Described(triples, lang(), term_labels())
    if not d.has(iri) and not rows:
        raise RecueilError(f"no such resource: {iri}", status=404)
    incoming, incoming_inferred, inferred = group_links(rows, d)
    types = d.types(iri) | {r["o"].value for r in rows if r["dir"].value == "inferred" and r["p"].value == TYPE}
    common = {"iri": iri, "path": stem, "incoming": incoming, "incoming_inferred": incoming_inferred, "inferred": inferred,
              "types": [{"href": res.href(t), "text": d.term_label(t)} for t in sorted(types) if t.startswith(res.def_ns())]}
    if RKG + "Experience" in types:
        e = experience(d, iri)
        related = _related(iri, d)
        return render_template("web/pages/experience.html", e=e, related=related,
                               jsonld=json_ld(e, d, request.url_root.rstrip("/") + "/doc/" + quote(stem)), **common)
    skip = {TYPE, RKG + "note", PREFIXES["prov"] + "wasDerivedFrom"}
    return render_template("web/pages/resource.html", title=d.label(ox.NamedNode(iri)), props=d.properties(iri, skip),
                           territory=d.territory(iri) if RKG + "Territory" in types else None,
                           section=d.section(iri) if RKG + "BookletPart" in types else None,
                           sources=d.sources(iri), notes=d.notes(iri), **common)


def _related(iri: str, d: Described) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in res.solutions(RELATED_QUERY, {"x": encode_term(ox.NamedNode(iri))}, res.STATED):
        grp = groups.setdefault(r["kind"].value, {"kind": r["kind"].value, "vias": {}})
        via = grp["vias"].setdefault(r["via"].value, {"href": res.href(r["via"].value), "labels": [], "exps": {}})
        if "vl" in r and r["vl"] not in via["labels"]:
            via["labels"].append(r["vl"])
        exp = via["exps"].setdefault(r["e"].value, {"href": res.href(r["e"].value), "labels": []})
        if "el" in r and r["el"] not in exp["labels"]:
            exp["labels"].append(r["el"])
    out = []
    for kind in ("programme", "technology", "factor"):
        if kind in groups:
            vias = [{"href": v["href"], "text": d.pick(v["labels"]) or res.local_name(k),
                     "exps": sorted(({"href": e["href"], "text": d.pick(e["labels"]) or res.local_name(i)} for i, e in v["exps"].items()),
                                    key=lambda x: x["text"])}
                    for k, v in groups[kind]["vias"].items()]
            out.append({"kind": kind, "vias": sorted(vias, key=lambda v: v["text"].lower())})
    return out


def json_ld(e: dict, d: Described, page_url: str) -> dict:
    """schema.org JSON-LD of an experience page (a schema:Project) for search engines."""
    funders = {f["iri"]: f["text"] for line in e["funding"] for f in line["funder"] if f.get("iri")}
    places = [{"@type": "Place", "@id": t["iri"], "name": t["label"],
               **({"geo": {"@type": "GeoCoordinates", "latitude": float(t["lat"]), "longitude": float(t["lon"])}} if t["lat"] and t["lon"] else {})}
              for t in e["territories"]]
    doc = {"@context": "https://schema.org", "@type": "Project", "@id": e["iri"], "name": e["label"],
           "alternateName": e["title"], "description": e["summary"], "url": page_url, "inLanguage": d.lang,
           "location": places, "funder": [{"@type": "Organization", "@id": i, "name": n} for i, n in funders.items()],
           "sameAs": [w["href"] for w in e["websites"]], "keywords": [t["text"] for t in e["themes"]]}
    if e["start"]:
        doc["startDate"] = e["start"]
    return {k: v for k, v in doc.items() if v not in (None, [], "")}


# ------------------------------------------------------------------ ontology

def _ontology_view(lang_: str) -> dict:
    d = Described(res.ontology_triples(), lang_, term_labels())
    ns = res.def_ns()
    onto = ns[:-1]
    classes, props = [], []
    kinds = {OWL + "ObjectProperty": ("relation", "object property"), OWL + "DatatypeProperty": ("attribut", "datatype property"),
             OWL + "AnnotationProperty": ("annotation", "annotation property")}
    for s in sorted(k for k in d.out if k.startswith(ns)):
        types = d.types(s)
        labels = {o.language: o.value for o in d.objs(s, PREFIXES["rdfs"] + "label") if isinstance(o, ox.Literal)}
        term = {"id": s[len(ns):], "iri": s, "fr": labels.get("fr"), "en": labels.get("en"),
                "comment": d.text(s, PREFIXES["rdfs"] + "comment"),
                "domain": [d.link(o) for o in d.objs(s, PREFIXES["rdfs"] + "domain")],
                "range": [d.link(o) for o in d.objs(s, PREFIXES["rdfs"] + "range")],
                "parents": [d.link(o) for p in ("subClassOf", "subPropertyOf") for o in d.objs(s, PREFIXES["rdfs"] + p)],
                "equivalent": [d.link(o) for p in ("equivalentClass", "equivalentProperty") for o in d.objs(s, OWL + p)],
                "inverse": [d.link(o) for o in d.objs(s, OWL + "inverseOf")],
                "traits": sorted(d.term_label(t) if t in d.term_labels else t[len(OWL):] for t in types
                                 if t.startswith(OWL) and t not in kinds and t != OWL + "Class")}
        if OWL + "Class" in types:
            classes.append(term)
        elif any(t in kinds for t in types):
            term["kind"] = next(kinds[t][1 if lang_ == "en" else 0] for t in types if t in kinds)
            props.append(term)
    return {"iri": onto, "title": d.text(onto, PREFIXES["dcterms"] + "title") or "recueil-kg",
            "comment": d.text(onto, PREFIXES["rdfs"] + "comment"), "version": d.text(onto, OWL + "versionInfo"),
            "license": [d.link(o) for o in d.objs(onto, PREFIXES["dcterms"] + "license")], "classes": classes, "properties": props}


@bp.route("/def")
@bp.route("/def.<ext>")
def ontology(ext: str | None = None):
    if ext is not None and ext not in res.EXTENSIONS:
        raise RecueilError(f"no such serialisation .{ext}; use " + ", ".join("." + e for e in res.EXTENSIONS), status=404)
    fmt = res.EXTENSIONS[ext] if ext else res.negotiate_page(request.headers.get("Accept"))
    if fmt != "html":
        return result_response(res.ontology_rdf(fmt), fmt)
    view = res.cached("ontology-" + lang(), lambda: _ontology_view(lang()))
    return render_template("web/pages/ontology.html", o=view)



@bp.route("/favicon.ico")
def favicon():
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"), code=301)
