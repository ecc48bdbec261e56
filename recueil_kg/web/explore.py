"""Explorer (/explore), SPARQL editor (/editor); the blueprint also carries search, map and charts."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, render_template, request

from ..errors import RecueilError
from ..namespaces import PREFIXES
from ..presets import bind, with_values
from . import charts, facets, geomap, search

bp = Blueprint("explore", __name__)
bp.add_url_rule("/search", "search", view_func=search.page)
bp.add_url_rule("/search.json", "search_json", view_func=search.page, defaults={"as_json": True})
bp.add_url_rule("/map", "map", view_func=geomap.page)
bp.add_url_rule("/map/experiences.geojson", "map_geojson", view_func=geomap.geojson)
bp.add_url_rule("/charts", "charts", view_func=charts.index)
bp.add_url_rule("/charts/<name>", "chart", view_func=charts.one)


def lang() -> str:
    return g.get("lang", "fr")


def url_for_filter(selected: dict) -> str:
    pairs = facets.query_pairs(selected)
    return "/explore" + ("?" + urlencode(pairs) if pairs else "")


def without(selected: dict, name: str, value: str) -> dict:
    out = {k: [v for v in vals if not (k == name and v == value)] for k, vals in selected.items()}
    return {k: v for k, v in out.items() if v}


def explore_state() -> dict:
    selected = facets.validate(request.args)
    t = facets.table()
    query = facets.sparql(selected, lang())
    cat = current_app.extensions["recueil"]["catalogue"]
    found = [r["experience"] for r in cat.select(query)]
    counts = facets.counts(t, selected)
    groups = []
    for f in facets.FACETS:
        chosen = selected.get(f.name, [])
        items = [{"value": v, "short": facets.short(f, v), "label": v if f.kind == "year" else facets.label_of(t, v, lang()),
                  "count": n, "checked": v in chosen,
                  "href": url_for_filter(without(selected, f.name, v) if v in chosen else {**selected, f.name: sorted(chosen + [v])})}
                 for v, n in counts[f.name].items() if n or v in chosen]
        if f.kind == "year":
            items.sort(key=lambda x: x["value"], reverse=True)
        else:
            items.sort(key=lambda x: (-x["count"], x["label"].casefold()))
        groups.append({"facet": f, "label": f.label[lang()], "entries": items})
    experiences = [t.experiences[e] for e in found if e in t.experiences]
    active = [{"facet": facets.BY_NAME[k].label[lang()], "label": v if k == "year" else facets.label_of(t, v, lang()),
               "href": url_for_filter(without(selected, k, v))} for k, vals in selected.items() for v in vals]
    return {"selected": selected, "groups": groups, "experiences": experiences, "active": active, "query": query,
            "permalink": url_for_filter(selected)}


@bp.route("/explore")
def explore():
    state = explore_state()
    return render_template("web/explore/explore.html", **state, urlencode=urlencode)


@bp.route("/explore.json")
def explore_json():
    s = explore_state()
    return {"filter": s["selected"], "permalink": s["permalink"], "sparql": s["query"],
            "experiences": [{"id": e["id"], "iri": e["iri"], "label": e["label"].get(lang()) or e["label"].get("fr"),
                             "startYear": e["year"], "url": f"/doc/experience/{e['id']}"} for e in s["experiences"]],
            "facets": {grp["facet"].name: [{"value": i["value"], "label": i["label"], "count": i["count"], "selected": i["checked"]}
                                           for i in grp["entries"]] for grp in s["groups"]}}


# ------------------------------------------------------------------ SPARQL editor

DEFAULT_QUERY = """PREFIX rkg: <https://w3id.org/recueil-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
# The experiences with the places they name; the lat/long columns put them on a map.
SELECT ?experience ?label ?place ?placeName ?lat ?long WHERE {
  ?experience a rkg:Experience ; rdfs:label ?label ; rkg:territory ?place .
  FILTER(lang(?label) = "fr")
  ?place rdfs:label ?placeName ; wgs84:lat ?lat ; wgs84:long ?long .
  FILTER(lang(?placeName) = "fr")
}
ORDER BY ?label
"""


def example_query(preset) -> str:
    """A preset's text with its default values written in, so that it runs as it stands in the editor."""
    subs, lists = bind(preset, {})
    text = with_values(preset.query, lists)
    if subs:
        block = "".join(f"  VALUES ?{name} {{ {term} }}\n" for name, term in subs.items())
        text = re.sub(r"\bWHERE\s*\{[ \t]*\n?", lambda m: m.group(0).rstrip() + "\n" + block, text, count=1, flags=re.IGNORECASE)
    return "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"


def examples() -> list[dict]:
    out = []
    for p in current_app.extensions["recueil"]["presets"].values():
        if p.federated:
            continue
        try:
            text = example_query(p)
        except RecueilError:
            continue
        out.append({"id": p.id, "title": p.title.get(lang()) or p.title["fr"], "description": p.description.get(lang()) or p.description["fr"],
                    "query": text})
    return out


@bp.route("/editor")
def editor():
    items = examples()
    query = request.args.get("query")
    pid = request.args.get("preset")
    if pid is not None:
        match = [x for x in items if x["id"] == pid]
        if not match:
            raise RecueilError(f"no preset query named {pid[:80]!r}; see /queries", status=404)
        query = match[0]["query"]
    if query is not None and len(query.encode("utf-8")) > current_app.extensions["recueil"]["config"]["MAX_QUERY_BYTES"]:
        raise RecueilError("the query is longer than the configured limit", status=413)
    return render_template("web/explore/editor.html", examples=items, query=query or DEFAULT_QUERY,
                           given=query is not None, preset=pid)


@bp.route("/editor/prefixes.json")
def prefixes():
    """The graph's prefixes, for the editor's prefix completion (instead of an external service)."""
    return dict(sorted(PREFIXES.items()))
