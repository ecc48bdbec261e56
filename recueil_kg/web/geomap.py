"""The map of the experiences (/map) and its data (/map/experiences.geojson).

Each experience is placed on the map point (wgs84:lat/long) of its most precise territory that has one:
a commune before an intercommunality, a département, a région, a country. An experience none of whose
territories has a point (a national network) is placed where one of its pilot sites is based, and
says so (`placedBy`). Points of French territories come from the frozen INSEE extract; the points of
the German territories are in data/territories.ttl.
"""
from __future__ import annotations

from flask import Response, current_app, g, json, render_template

from ..namespaces import PREFIXES
from .facets import app_cache

IGEO, RKG = PREFIXES["igeo"], PREFIXES["rkg"]
ROLE = PREFIXES["role"]
PRECISION = {  # territory class -> rank (lower is more precise)
    IGEO + "Commune": 0, RKG + "ForeignMunicipality": 0, IGEO + "CommuneDeleguee": 1, IGEO + "ArrondissementMunicipal": 1,
    RKG + "Canton": 2, RKG + "Intercommunality": 3, RKG + "NaturalPark": 4, RKG + "ProjectArea": 5,
    IGEO + "Departement": 6, IGEO + "Region": 7, RKG + "ForeignState": 7, RKG + "Country": 9,
}


def _build() -> dict:
    cat = current_app.extensions["recueil"]["catalogue"]
    rows = cat.select(f"""PREFIX rkg: <{RKG}> PREFIX rdfs: <{PREFIXES['rdfs']}> PREFIX wgs84: <{PREFIXES['wgs84']}>
        SELECT ?e ?t ?type ?lat ?long ?by WHERE {{
          {{ ?e a rkg:Experience ; rkg:territory ?t BIND("territory" AS ?by) }}
          UNION {{ ?e a rkg:Experience ; rkg:hasActorRole ?r . ?r rkg:roleType <{ROLE}pilot-site> ; rkg:agent/rkg:basedIn ?t
                  BIND("pilot-site" AS ?by) }}
          ?t a ?type ; wgs84:lat ?lat ; wgs84:long ?long }}""", cap=100_000)
    labels = cat.select(f"""PREFIX rkg: <{RKG}> PREFIX rdfs: <{PREFIXES['rdfs']}>
        SELECT ?x ?l (lang(?l) AS ?lang) WHERE {{ {{ ?x a rkg:Experience }} UNION {{ ?e a rkg:Experience ; rkg:territory ?x }}
          UNION {{ ?e a rkg:Experience ; rkg:hasActorRole/rkg:agent/rkg:basedIn ?x }}
          ?x rdfs:label ?l }}""", cap=100_000)
    experiences = cat.select(f"PREFIX rkg: <{RKG}> SELECT ?e WHERE {{ ?e a rkg:Experience }} ORDER BY ?e", cap=100_000)
    names: dict[str, dict] = {}
    for r in labels:
        names.setdefault(r["x"], {})[r.get("lang") or "fr"] = r["l"]
    best: dict[str, tuple] = {}
    for r in rows:
        rank = PRECISION.get(r["type"])
        if rank is None:
            continue
        key = (r["by"] != "territory", rank, r["t"])  # the experience's own territories first
        if r["e"] not in best or key < best[r["e"]][0]:
            best[r["e"]] = (key, r["t"], r["type"], float(r["lat"]), float(r["long"]), r["by"])
    features = []
    for r in experiences:
        e = r["e"]
        local = e.rsplit("/", 1)[-1]
        props = {"id": local, "iri": e, "url": f"/doc/experience/{local}", "label": names.get(e, {})}
        geometry = None
        if e in best:
            _, t, ttype, lat, long, placed_by = best[e]
            props.update({"territory": t, "territoryLabel": names.get(t, {}), "territoryType": ttype,
                          "territoryUrl": "/doc/" + t.split("/id/", 1)[1], "placedBy": placed_by})
            geometry = {"type": "Point", "coordinates": [long, lat]}
        features.append({"type": "Feature", "id": local, "geometry": geometry, "properties": props})
    features.sort(key=lambda f: f["properties"]["label"].get("fr", f["id"]).casefold())
    return {"type": "FeatureCollection", "features": features}


def collection() -> dict:
    return app_cache("map-features", _build)


def geojson():
    return Response(json.dumps(collection(), ensure_ascii=False), content_type="application/geo+json; charset=utf-8")


def page():
    fc = collection()
    lang = g.get("lang", "fr")
    rows = []
    for f in fc["features"]:
        p = f["properties"]
        rows.append({"id": f["id"], "url": p["url"], "label": p["label"].get(lang) or p["label"].get("fr") or f["id"],
                     "place": (p.get("territoryLabel") or {}).get(lang) or (p.get("territoryLabel") or {}).get("fr"),
                     "placeUrl": p.get("territoryUrl"),
                     "lat": f["geometry"]["coordinates"][1] if f["geometry"] else None,
                     "long": f["geometry"]["coordinates"][0] if f["geometry"] else None})
    missing = [r for r in rows if r["lat"] is None]
    return render_template("web/explore/map.html", rows=rows, missing=missing)
