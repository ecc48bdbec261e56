"""Explorer, search, map, charts and SPARQL editor, through the Flask test client."""
from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse
from decimal import Decimal

import pytest

from recueil_kg.web.search import fold

HTML = {"Accept": "text/html"}
EXP = "https://w3id.org/recueil-kg/id/experience/"


@pytest.fixture()
def client(app):
    return app.test_client()


def listed(body: bytes) -> list[str]:
    """The experiences listed on an /explore page, in order."""
    return re.findall(r'<li id="exp-[^"]+" data-id="([^"]+)"', body.decode())


def explore_json(client, **params) -> dict:
    r = client.get("/explore.json?" + urllib.parse.urlencode(params, doseq=True))
    assert r.status_code == 200, r.data
    return r.get_json()


def sparql_ids(client, query: str) -> list[str]:
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data
    return [b["experience"]["value"].removeprefix(EXP) for b in r.get_json()["results"]["bindings"]]


# ------------------------------------------------------------------ explorer: facets and counts

@pytest.mark.parametrize("params,expected", [
    ({"programme": "leader"}, {"drive-bois-anjou"}),
    ({"theme": "transport"}, {"rezo-pouce"}),
    ({"programme": "prog:leader"}, {"drive-bois-anjou"}),
    ({"programme": "https://w3id.org/recueil-kg/id/concept/programme/leader"}, {"drive-bois-anjou"}),
    ({"theme": ["transport", "health"]}, {"rezo-pouce", "oberbruck"}),          # or within a facet
    ({"theme": "proximity", "programme": "leader"}, {"drive-bois-anjou"}),     # and across facets
    ({"theme": "transport", "programme": "leader"}, set()),
    ({"region": "region-84"}, {"usine-vivante", "rezo-pouce"}),                 # through rkg:inTerritory (inferred)
    ({"region": "de-rheinland-pfalz"}, {"digital-villages"}),
    ({"year": "2018"}, {"drive-bois-anjou"}),
])
def test_filters_select_the_expected_experiences(client, params, expected):
    r = client.get("/explore?" + urllib.parse.urlencode(params, doseq=True), headers=HTML)
    assert r.status_code == 200
    assert set(listed(r.data)) == expected
    assert {e["id"] for e in explore_json(client, **params)["experiences"]} == expected


def test_leader_shows_the_bois_d_anjou_drive(client):
    r = client.get("/explore?programme=leader", headers=HTML)
    page = html.unescape(r.data.decode())
    assert listed(r.data) == ["drive-bois-anjou"]
    assert "Drive local des Bois d'Anjou" in page and 'href="/doc/experience/drive-bois-anjou"' in page


def test_unfiltered_page_lists_all_17(client):
    r = client.get("/explore", headers=HTML)
    assert len(listed(r.data)) == 17


def test_every_facet_count_is_the_number_of_experiences_that_filter_gives(client):
    """Without a filter, the count next to each value equals the size of the list filtered by it."""
    facets = explore_json(client)["facets"]
    assert set(facets) == {"theme", "programme", "level", "tech", "factor", "mode", "region", "year"}
    checked = 0
    for name, values in facets.items():
        assert values, name
        for v in values:
            got = explore_json(client, **{name: v["value"]})["experiences"]
            assert len(got) == v["count"], (name, v["value"])
            checked += 1
    assert checked > 60


def test_counts_reflect_the_current_filter(client):
    facets = explore_json(client, programme="leader")["facets"]
    themes = {v["value"].rsplit("/", 1)[-1]: v["count"] for v in facets["theme"]}
    assert themes == {"proximity": 1, "agriculture": 1}
    # within the filtered facet, counts ignore the facet's own selection (values add up with "or")
    programmes = {v["value"].rsplit("/", 1)[-1]: (v["count"], v["selected"]) for v in facets["programme"]}
    assert programmes["leader"] == (1, True) and programmes["feder"][0] == 3


def test_shareable_urls_are_canonical_and_reproduce_the_state(client):
    a = explore_json(client, theme=["transport", "health"], programme="prog:feder")
    b = explore_json(client, programme="https://w3id.org/recueil-kg/id/concept/programme/feder", theme="health,transport")
    assert a["permalink"] == b["permalink"] == "/explore?theme=health&theme=transport&programme=feder"
    r = client.get(a["permalink"], headers=HTML)
    assert set(listed(r.data)) == {e["id"] for e in a["experiences"]}
    assert f'<link rel="canonical" href="{html.escape(a["permalink"])}">' in r.data.decode()


def test_facet_links_add_and_remove_values(client):
    page = client.get("/explore?theme=transport", headers=HTML).data.decode()
    assert 'href="/explore" aria-label="Retirer le filtre' in page           # the one selected value, removed
    assert 'href="/explore?theme=health&amp;theme=transport"' in page        # another theme, added


def test_form_works_without_javascript(client):
    page = client.get("/explore?theme=transport", headers=HTML).data.decode()
    assert '<form class="facets" method="get" action="/explore"' in page
    assert re.search(r'<input type="checkbox" id="f-theme-\d+" name="theme" value="transport" checked>', page)
    for m in re.finditer(r'<input type="checkbox" id="([^"]+)"', page):
        assert f'<label for="{m.group(1)}">' in page


@pytest.mark.parametrize("params", [
    {}, {"programme": "leader"}, {"theme": "transport"}, {"theme": ["economy", "proximity"], "mode": "volunteer"},
    {"region": "region-28", "year": ["2015", "2016"]}, {"tech": "website", "factor": "volunteering", "level": "eu"},
])
def test_the_sparql_link_returns_the_same_experiences(client, params):
    page = client.get("/explore?" + urllib.parse.urlencode(params, doseq=True), headers=HTML).data.decode()
    link = re.search(r'<a href="/sparql\?query=([^"]+)">', page).group(1)
    query = urllib.parse.parse_qs(html.unescape("query=" + link))["query"][0]
    shown = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", page, re.DOTALL).group(1))
    assert query == shown
    editor = re.search(r'<a href="/editor\?query=([^"]+)">', page).group(1)
    assert urllib.parse.parse_qs(html.unescape("query=" + editor))["query"][0] == query
    assert sparql_ids(client, query) == listed(page.encode())


@pytest.mark.parametrize("params,name", [
    ({"programme": "nope"}, "programme"),
    ({"theme": "prog:leader"}, "theme"),                        # a real IRI, from another scheme
    ({"programme": "leader", "level": "<javascript:alert(1)>"}, "level"),
    ({"region": "commune-49138"}, "region"),                    # a territory, not a région
    ({"region": "} } DROP ALL #"}, "region"),
    ({"year": "20x5"}, "year"),
    ({"year": "2015) || true || (\"1"}, "year"),
    ({"tech": "tech:website\" } UNION { ?s ?p ?o"}, "tech"),
])
def test_bad_filter_values_give_400_naming_the_parameter(client, params, name):
    q = urllib.parse.urlencode(params, doseq=True)
    r = client.get("/explore.json?" + q)
    assert r.status_code == 400 and name in r.get_json()["message"]
    r = client.get("/explore?" + q, headers=HTML)
    assert r.status_code == 400 and b"Erreur 400" in r.data


def test_english_labels(client):
    page = client.get("/explore?programme=leader&lang=en", headers=HTML).data.decode()
    assert "Les Bois d&#39;Anjou local drive" in page and "Funding programme" in page


# ------------------------------------------------------------------ search

def test_fold():
    assert fold("Œuvre TÉLÉMÉDECINE à Noël") == "oeuvre telemedecine a noel"


@pytest.mark.parametrize("q", ["teleconsultation", "téléconsultation", "TELECONSULTATION", "Téléconsultation Oberbruck", "telecons"])
def test_search_is_accent_and_case_insensitive(client, q):
    doc = client.get("/search.json?" + urllib.parse.urlencode({"q": q})).get_json()
    assert doc["results"][0]["url"] == "/doc/experience/oberbruck"


@pytest.mark.parametrize("q,first", [
    ("telemedecine", "/doc/concept/tech/telemedicine"),
    ("drive bois anjou", "/doc/experience/drive-bois-anjou"),
    ("auto-stop", "/doc/experience/rezo-pouce"),
])
def test_search_finds_labels_and_pages(client, q, first):
    urls = [r["url"] for r in client.get("/search.json?" + urllib.parse.urlencode({"q": q})).get_json()["results"]]
    assert urls and urls[0] == first


def test_search_page_highlights_and_links(client):
    page = client.get("/search?q=teleconsultation", headers=HTML).data.decode()
    assert '<a href="/doc/experience/oberbruck">' in page and "<mark>téléconsultation</mark>" in page
    assert '<input id="search-q" name="q" type="search" value="teleconsultation"' in page


def test_search_edge_cases(client):
    assert client.get("/search.json?q=zzzqqqxxx").get_json()["count"] == 0
    assert client.get("/search.json?q=").get_json()["count"] == 0
    assert client.get("/search?q=", headers=HTML).status_code == 200
    assert client.get("/search.json?" + urllib.parse.urlencode({"q": "a" * 201})).status_code == 400
    page = client.get("/search?" + urllib.parse.urlencode({"q": "<script>alert(1)</script>"}), headers=HTML).data.decode()
    assert "<script>alert(1)</script>" not in page


# ------------------------------------------------------------------ map

def test_geojson_has_17_points(client):
    r = client.get("/map/experiences.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    fc = r.get_json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 17
    by_id = {f["id"]: f for f in fc["features"]}
    for f in fc["features"]:
        assert f["geometry"]["type"] == "Point"
        long, lat = f["geometry"]["coordinates"]
        assert 41 < lat < 52 and -6 < long < 10, f["id"]
        assert f["properties"]["url"] == f"/doc/experience/{f['id']}"
    assert by_id["drive-bois-anjou"]["properties"]["territory"].endswith("/commune-49138")   # the commune, not its delegated communes
    assert by_id["digital-villages"]["properties"]["territoryType"].endswith("#ForeignMunicipality")
    assert by_id["oberbruck"]["properties"]["territory"].endswith("/commune-68239")
    # a national network none of whose territories has a point sits where a pilot site is based, and says so
    assert by_id["digifermes"]["properties"]["territory"].endswith("/commune-55457")
    assert by_id["digifermes"]["properties"]["placedBy"] == "pilot-site"
    assert by_id["oberbruck"]["properties"]["placedBy"] == "territory"


def test_map_page_has_map_and_fallback_list(client):
    page = client.get("/map", headers=HTML).data.decode()
    assert 'data-geojson="/map/experiences.geojson"' in page and "<noscript>" in page
    rows = re.findall(r"<tr><td><a href=\"/doc/experience/([^\"]+)\">", page)
    assert len(rows) == 17
    for src in re.findall(r'<(?:script src|link rel="stylesheet" href)="(/static/[^"]+)"', page):
        assert client.get(src).status_code == 200, src
    assert "/static/vendor/leaflet/leaflet.js" in page


# ------------------------------------------------------------------ charts

def read_csv(client, name: str) -> list[dict]:
    r = client.get(f"/charts/{name}.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(r.data.decode())))


def test_funding_by_programme_csv(client):
    rows = {r["iri"].rsplit("/", 1)[-1]: r for r in read_csv(client, "funding-by-programme")}
    assert Decimal(rows["fnadt"]["total"]) == Decimal("26425.38")
    assert rows["leader"]["experienceIds"] == "drive-bois-anjou"
    preset = client.get("/queries/funding-totals-by-programme.json").get_json()["results"]["bindings"]
    assert sum(Decimal(r["total"]) for r in rows.values()) == sum(Decimal(b["total"]["value"]) for b in preset)


def test_funding_by_level_matches_the_preset(client):
    rows = {r["iri"]: Decimal(r["total"]) for r in read_csv(client, "funding-by-level")}
    preset = client.get("/queries/funding-totals-by-level.json").get_json()["results"]["bindings"]
    assert rows == {b["level"]["value"]: Decimal(b["total"]["value"]) for b in preset}


def test_theme_and_factor_charts(client):
    themes = {r["iri"].rsplit("/", 1)[-1]: int(r["experiences"]) for r in read_csv(client, "experiences-by-theme")}
    assert themes["transport"] == 1 and themes["economy"] == 7
    factors = read_csv(client, "success-factors")
    assert factors[0]["iri"].endswith("/partnerships") and int(factors[0]["experiences"]) == 8
    assert [int(r["experiences"]) for r in factors] == sorted((int(r["experiences"]) for r in factors), reverse=True)


@pytest.mark.parametrize("name", ["funding-by-programme", "funding-by-level", "experiences-by-theme", "success-factors"])
def test_chart_pages_have_svg_table_and_csv_link(client, name):
    page = client.get(f"/charts/{name}", headers=HTML).data.decode()
    rows = read_csv(client, name)
    assert page.count('<rect class="bar"') == len(rows)
    assert page.count('<th scope="row">') == len(rows)
    assert f'href="/charts/{name}.csv"' in page and 'role="img"' in page
    assert client.get("/charts", headers=HTML).data.decode().count('<section class="chart"') == 4


def test_unknown_chart_is_404(client):
    assert client.get("/charts/nope.csv").status_code == 404
    assert client.get("/charts/success-factors.xlsx").status_code == 404


# ------------------------------------------------------------------ editor

def test_editor_lists_the_presets_and_works_without_js(client, app):
    page = client.get("/editor", headers=HTML).data.decode()
    presets = app.extensions["recueil"]["presets"]
    for pid, p in presets.items():
        assert (f'data-preset="{pid}"' in page) != p.federated, pid
    assert '<form id="plain-editor" method="post" action="/sparql">' in page
    assert '<textarea id="editor-query" name="query"' in page
    for src in re.findall(r'<(?:script src|link rel="stylesheet" href)="(/static/[^"]+)"', page):
        assert client.get(src).status_code == 200, src
    assert "/static/vendor/yasgui/yasgui.min.js" in page


def test_editor_prefills_a_query_and_a_preset(client):
    page = client.get("/editor?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}), headers=HTML).data.decode()
    assert "ASK { ?s ?p ?o }</textarea>" in page and 'data-given="true"' in page
    page = client.get("/editor?preset=experiences-by-programme", headers=HTML).data.decode()
    assert "VALUES ?programme { &lt;https://w3id.org/recueil-kg/id/concept/programme/feder&gt; }" in page
    assert client.get("/editor?preset=nope", headers=HTML).status_code == 404


def test_every_example_runs_on_the_endpoint(client, app):
    page = client.get("/editor", headers=HTML).data.decode()
    examples = re.findall(r'data-query="([^"]*)" data-name="([^"]+)"', page)
    assert len(examples) == sum(1 for p in app.extensions["recueil"]["presets"].values() if not p.federated)
    for text, pid in examples:
        r = client.post("/sparql", data={"query": html.unescape(text)}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (pid, r.data[:300])
        assert r.get_json()["results"]["bindings"], pid


def test_editor_prefixes_for_completion(client):
    doc = client.get("/editor/prefixes.json").get_json()
    assert doc["rkg"] == "https://w3id.org/recueil-kg/def#" and doc["prog"].endswith("/concept/programme/")


def test_pages_in_english_and_french(client):
    for url in ("/explore", "/search?q=drive", "/map", "/charts", "/editor"):
        fr = client.get(url + ("&" if "?" in url else "?") + "lang=fr", headers=HTML)
        en = client.get(url + ("&" if "?" in url else "?") + "lang=en", headers=HTML)
        assert fr.status_code == en.status_code == 200, url
        assert b'<html lang="fr">' in fr.data and b'<html lang="en">' in en.data
        assert fr.data != en.data
