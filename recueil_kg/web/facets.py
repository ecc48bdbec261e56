"""The explorer's filter: facets of the experiences, their values and counts, and the same filter as SPARQL.

The facet table (experience -> values of each facet) is read once per application with one query; the
graph is read-only while the server runs. Request values are validated against their concept scheme
(catalogue.scheme_members) or the known régions; the SPARQL text is written only from validated IRIs.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from flask import current_app

from ..errors import RecueilError
from ..namespaces import PREFIXES

ID = "https://w3id.org/recueil-kg/id/"
SCHEME = ID + "scheme/"
EXP = ID + "experience/"
TERR = ID + "territory/"
YEAR_RE = re.compile(r"^\d{4}$")
LOCAL_RE = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_lock = threading.RLock()


@dataclass(frozen=True)
class Facet:
    name: str          # URL parameter
    path: str          # SPARQL property path from ?experience
    label: dict
    scheme: str | None = None   # concept scheme the values must belong to
    kind: str = "concept"       # concept | region | year


FACETS = [
    Facet("theme", "rkg:theme", {"fr": "Thème", "en": "Theme"}, SCHEME + "theme"),
    Facet("programme", "rkg:hasFundingLine/rkg:programme", {"fr": "Programme de financement", "en": "Funding programme"}, SCHEME + "programme"),
    Facet("level", "rkg:hasFundingLine/rkg:level", {"fr": "Niveau de financeur", "en": "Funder level"}, SCHEME + "level"),
    Facet("tech", "rkg:usesTechnology", {"fr": "Technologie", "en": "Technology"}, SCHEME + "tech"),
    Facet("factor", "rkg:hasSuccessFactor/rkg:category", {"fr": "Facteur de réussite", "en": "Success factor"}, SCHEME + "success-factor"),
    Facet("mode", "rkg:hasAnimation/rkg:animationMode", {"fr": "Mode d'animation", "en": "Animation mode"}, SCHEME + "animation"),
    Facet("region", "rkg:inTerritory", {"fr": "Région (ou Land)", "en": "Region (or Land)"}, kind="region"),
    Facet("year", "rkg:startYear", {"fr": "Année de début", "en": "Start year"}, kind="year"),
]
BY_NAME = {f.name: f for f in FACETS}


@dataclass
class Table:
    """What the explorer needs, read once: experiences, their facet values, and labels of values."""
    experiences: dict[str, dict] = field(default_factory=dict)         # iri -> {id, label, summary, year}
    values: dict[str, dict[str, set]] = field(default_factory=dict)    # facet -> experience iri -> values
    labels: dict[str, dict] = field(default_factory=dict)              # value -> {fr, en}
    regions: set = field(default_factory=set)


def app_cache(key: str, build):
    """A value computed once per application (the graph does not change while the server runs)."""
    store = current_app.extensions.setdefault("recueil-explore", {})
    if key not in store:
        with _lock:
            if key not in store:
                store[key] = build()
    return store[key]


def _by_lang(rows, key="v", text="l") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in rows:
        if text in r:
            out.setdefault(r[key], {})[r.get("lang") or "fr"] = r[text]
    return out


def _build_table() -> Table:
    cat = current_app.extensions["recueil"]["catalogue"]
    t = Table()
    rows = cat.select(f"""PREFIX rkg: <{PREFIXES['rkg']}> PREFIX rdfs: <{PREFIXES['rdfs']}>
        SELECT ?e ?p ?o (lang(?o) AS ?lang) WHERE {{ ?e a rkg:Experience .
          {{ ?e rdfs:label ?o BIND("label" AS ?p) }} UNION {{ ?e rkg:summary ?o BIND("summary" AS ?p) }}
          UNION {{ ?e rkg:startYear ?o BIND("year" AS ?p) }} }}""", cap=100_000)
    for r in rows:
        e = t.experiences.setdefault(r["e"], {"iri": r["e"], "id": r["e"].rsplit("/", 1)[-1], "label": {}, "summary": {}, "year": None})
        if r["p"] == "year":
            e["year"] = r["o"][:4]
        else:
            e[r["p"]][r.get("lang") or "fr"] = r["o"]
    union = " UNION ".join(
        f'{{ ?e {f.path} ?v BIND("{f.name}" AS ?f) '
        + ("?v a ?regionType . VALUES ?regionType { igeo:Region rkg:ForeignState } " if f.kind == "region" else "") + "}"
        for f in FACETS)
    rows = cat.select(f"""PREFIX rkg: <{PREFIXES['rkg']}> PREFIX igeo: <{PREFIXES['igeo']}>
        SELECT DISTINCT ?f ?e ?v WHERE {{ ?e a rkg:Experience . {union} }}""", cap=100_000)
    for f in FACETS:
        t.values[f.name] = {e: set() for e in t.experiences}
    for r in rows:
        v = r["v"][:4] if r["f"] == "year" else r["v"]
        t.values[r["f"]].setdefault(r["e"], set()).add(v)
    t.regions = {r["t"] for r in cat.select(f"""PREFIX rkg: <{PREFIXES['rkg']}> PREFIX igeo: <{PREFIXES['igeo']}>
        SELECT DISTINCT ?t WHERE {{ VALUES ?c {{ igeo:Region rkg:ForeignState }} ?t a ?c }}""", cap=100_000)}
    t.labels = _by_lang(cat.select(f"""PREFIX skos: <{PREFIXES['skos']}> PREFIX rdfs: <{PREFIXES['rdfs']}>
        SELECT ?v ?l (lang(?l) AS ?lang) WHERE {{ {{ ?v skos:inScheme ?s ; skos:prefLabel ?l }}
          UNION {{ ?v a <{PREFIXES['igeo']}Region> ; rdfs:label ?l }} UNION {{ ?v a <{PREFIXES['rkg']}ForeignState> ; rdfs:label ?l }} }}""",
        cap=100_000))
    return t


def table() -> Table:
    return app_cache("facet-table", _build_table)


def label_of(t: Table, value: str, lang: str) -> str:
    names = t.labels.get(value) or {}
    return names.get(lang) or names.get("fr") or value.rsplit("/", 1)[-1]


# ------------------------------------------------------------------ reading and validating a filter

def _expand(facet: Facet, raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    if raw.startswith(("http://", "https://")):
        return raw
    prefix, _, local = raw.partition(":")
    if local and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if facet.kind == "region":
        return TERR + raw
    return facet.scheme.replace("/id/scheme/", "/id/concept/") + "/" + raw


def validate(args) -> dict[str, list[str]]:
    """The filter in a request (repeatable GET parameters), each value checked; RecueilError 400 names the bad one."""
    cat = current_app.extensions["recueil"]["catalogue"]
    selected: dict[str, list[str]] = {}
    for f in FACETS:
        raws = [v for item in args.getlist(f.name) for v in item.split(",") if v.strip()]
        if len(raws) > 50:
            raise RecueilError(f"parameter {f.name!r}: at most 50 values", status=400)
        out = []
        for raw in raws:
            if f.kind == "year":
                if not YEAR_RE.match(raw.strip()):
                    raise RecueilError(f"parameter 'year': {raw[:40]!r} is not a four-digit year", status=400)
                value = raw.strip()
            else:
                value = _expand(f, raw)
                ok = value in table().regions if f.kind == "region" else value in cat.scheme_members(f.scheme)
                if not ok:
                    where = "a région or Land of the graph" if f.kind == "region" else f"a concept of the scheme {f.scheme}"
                    raise RecueilError(f"parameter {f.name!r}: {raw[:80]!r} is not {where}", status=400)
            if value not in out:
                out.append(value)
        if out:
            selected[f.name] = sorted(out)
    return selected


def short(facet: Facet, value: str) -> str:
    """The shortest form of a value for URLs: the local name."""
    return value if facet.kind == "year" else value.rsplit("/", 1)[-1]


def query_pairs(selected: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(f.name, short(f, v)) for f in FACETS for v in selected.get(f.name, [])]


# ------------------------------------------------------------------ filtering and counting

def matches(t: Table, e: str, selected: dict, skip: str | None = None) -> bool:
    return all(t.values[name].get(e, set()) & set(vals) for name, vals in selected.items() if name != skip)


def counts(t: Table, selected: dict) -> dict[str, dict[str, int]]:
    """For each facet, value -> number of experiences matching the filter on the *other* facets and this value."""
    out = {}
    for f in FACETS:
        c: dict[str, int] = {}
        for e in t.experiences:
            if matches(t, e, selected, skip=f.name):
                for v in t.values[f.name].get(e, ()):
                    c[v] = c.get(v, 0) + 1
        for v in selected.get(f.name, []):
            c.setdefault(v, 0)
        out[f.name] = c
    return out


# ------------------------------------------------------------------ the same filter as SPARQL

def _term(value: str, used: set) -> str:
    best = max((p for p, ns in PREFIXES.items() if value.startswith(ns)), key=lambda p: len(PREFIXES[p]), default=None)
    if best and LOCAL_RE.match(value[len(PREFIXES[best]):]):
        used.add(best)
        return f"{best}:{value[len(PREFIXES[best]):]}"
    return f"<{value}>"


def sparql(selected: dict[str, list[str]], lang: str) -> str:
    """A SELECT returning the filtered experiences; built only from validated values."""
    t = table()
    used: set = set()
    lines = []
    for f in FACETS:
        vals = selected.get(f.name)
        if not vals:
            continue
        names = re.sub(r"[\r\n]+", " ", ", ".join(label_of(t, v, lang) if f.kind != "year" else v for v in vals))
        lines.append(f"  # {f.label[lang]} : {names}")
        if f.kind == "year":
            years = ", ".join('"' + v + '"' for v in vals)
            lines.append(f"  FILTER EXISTS {{ ?experience rkg:startYear ?year . FILTER(STR(?year) IN ({years})) }}")
        else:
            terms = ", ".join(_term(v, used) for v in vals)
            lines.append(f"  FILTER EXISTS {{ ?experience {f.path} ?{f.name} . FILTER(?{f.name} IN ({terms})) }}")
    head = [f"PREFIX rkg: <{PREFIXES['rkg']}>", f"PREFIX rdfs: <{PREFIXES['rdfs']}>"]
    head += [f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(used - {"rkg", "rdfs"})]
    body = [
        "SELECT ?experience ?label ?startYear WHERE {",
        "  ?experience a rkg:Experience ; rdfs:label ?label .",
        f'  FILTER(lang(?label) = "{"en" if lang == "en" else "fr"}")',
        "  OPTIONAL { ?experience rkg:startYear ?startYear }",
        *lines,
        "}",
        "ORDER BY ?label",
    ]
    return "\n".join(head + body) + "\n"
