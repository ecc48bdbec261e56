"""Resource pages and dereferencing: 303 from /id, negotiation at /doc, serialisations, the experience page,
generic pages with incoming links, the ontology at /def, the home page, and odd paths (never a 500)."""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib

from .conftest import ROOT

BASE = "https://w3id.org/recueil-kg/"
RKG = BASE + "def#"
KINDS = ["experience/drive-bois-anjou", "agent/etat", "territory/commune-49138", "concept/programme/leader",
         "scheme/theme", "node/drive-bois-anjou.funding-leader", "source/drive-bois-anjou.budget",
         "agent/arnaud-monchicourt"]
RDF_EXT = {"ttl": ("text/turtle", ox.RdfFormat.TURTLE), "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
           "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES), "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML)}
EXPERIENCES = sorted(p.stem for p in (ROOT / "data" / "experiences").glob("*.ttl"))


@pytest.fixture()
def client(app):
    return app.test_client()


def html_of(client, url, **headers):
    r = client.get(url, headers={"Accept": "text/html", **headers})
    assert r.status_code == 200, (url, r.status_code, r.data[:300])
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by heading_id."""
    m = re.search(rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page, re.DOTALL)
    assert m, heading_id
    return m.group(1)


# ------------------------------------------------------------------ 303 See Other and negotiation

@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("accept,suffix", [
    ("text/html", ""), (None, ""), ("*/*", ""),
    ("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"), ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", ".rdf"),
    ("text/html;q=0.1, application/n-triples", ".nt"),
    ("application/ld+json;q=0.2, text/html;q=0.8", ""), ("application/*", ".jsonld"), ("application/json", ".jsonld"),
])
def test_id_answers_303_to_the_negotiated_document(client, path, accept, suffix):
    r = client.get(f"/id/{path}", headers={"Accept": accept} if accept else {})
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/doc/{path}{suffix}")
    assert "Accept" in r.headers.get("Vary", "")


def test_id_keeps_the_language_choice(client):
    r = client.get("/id/agent/etat?lang=en", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/doc/agent/etat?lang=en")


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("ext", sorted(RDF_EXT))
def test_every_serialisation_parses_and_describes_the_resource(client, path, ext):
    media, fmt = RDF_EXT[ext]
    r = client.get(f"/doc/{path}.{ext}")
    assert r.status_code == 200 and r.mimetype == media
    triples = list(ox.parse(r.data, format=fmt, base_iri=BASE))
    subject = ox.NamedNode(BASE + "id/" + path)
    assert any(t.subject == subject for t in triples)
    if ext in ("ttl", "nt"):  # a second, independent parser
        g = rdflib.Graph().parse(data=r.data, format="turtle" if ext == "ttl" else "nt")
        assert (rdflib.URIRef(subject.value), None, None) in g


@pytest.mark.parametrize("accept,media", [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
                                          ("application/n-triples", "application/n-triples"), ("application/rdf+xml", "application/rdf+xml"),
                                          ("text/html", "text/html"), ("*/*", "text/html")])
def test_doc_negotiates_between_html_and_rdf(client, accept, media):
    r = client.get("/doc/experience/drive-bois-anjou", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media


def test_rdf_description_holds_nary_nodes_sections_labels_and_incoming_links(client):
    r = client.get("/doc/experience/drive-bois-anjou.nt")
    g = rdflib.Graph().parse(data=r.data, format="nt")
    exp = rdflib.URIRef(BASE + "id/experience/drive-bois-anjou")
    leader = rdflib.URIRef(BASE + "id/node/drive-bois-anjou.funding-leader")
    budget_section = rdflib.URIRef(BASE + "id/source/drive-bois-anjou.budget")
    assert (exp, rdflib.URIRef(RKG + "hasFundingLine"), leader) in g
    assert (leader, rdflib.URIRef(RKG + "share"), None) in g
    assert (leader, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), budget_section) in g
    assert (budget_section, rdflib.URIRef(RKG + "startPage"), None) in g
    indicator = rdflib.URIRef(BASE + "id/node/drive-bois-anjou.result-customers.basket")
    assert (indicator, rdflib.URIRef(RKG + "value"), None) in g  # a statement's indicator
    prog = rdflib.URIRef(BASE + "id/concept/programme/leader")
    assert (prog, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None) in g  # label of a linked resource
    etat = client.get("/doc/agent/etat.nt")
    incoming = rdflib.Graph().parse(data=etat.data, format="nt")
    assert len(set(incoming.subjects(rdflib.URIRef(RKG + "funder"), rdflib.URIRef(BASE + "id/agent/etat")))) >= 3


# ------------------------------------------------------------------ the experience page

def test_experience_page_shows_funding_actors_and_provenance(client):
    page = html_of(client, "/doc/experience/drive-bois-anjou?lang=fr")
    funding = section(page, "funding-h")
    leader_row = next(tr for tr in re.findall(r"<tr class=\"fact\">(.*?)</tr>", funding, re.DOTALL) if "LEADER" in tr)
    assert "80\u00a0%" in leader_row
    assert "Union européenne" in leader_row and "GAL des Vallées d&#39;Anjou" in leader_row
    assert "Budget et financements</a>, p.&nbsp;47" in leader_row
    actors = section(page, "actors-h")
    assert "Chambre d&#39;agriculture (antenne locale)" in actors
    assert 'href="/doc/agent/chambre-agriculture-bois-anjou"' in actors
    assert "p.&nbsp;4" in actors and "lignes" in actors
    assert "400\u00a0€" in funding and "1\u202f000\u00a0€" in funding
    milestones = section(page, "milestones-h")
    years = re.findall(r'<strong class="when">(\d{4})', milestones)
    assert years == sorted(years) and "2016" in years
    results = section(page, "results-h")
    assert "262" in results and "Panier moyen" in results
    assert 'class="curator-note"' in page
    assert "COM49138-les-bois-d-anjou" in section(page, "territory-h")
    assert 'href="/map"' in page


@pytest.mark.parametrize("exp", ["drive-bois-anjou", "petite-sadie", "rezo-pouce"])
def test_every_fact_of_the_experience_page_names_its_source(client, exp):
    page = html_of(client, f"/doc/experience/{exp}")
    seen = 0
    for hid in ("actors-h", "funding-h", "budget-h", "animation-h", "context-h", "objectives-h", "activities-h",
                "milestones-h", "governance-h", "results-h", "digital-h", "factors-h", "obstacles-h", "planned-h",
                "testimonies-h"):
        if f'id="{hid}"' not in page:
            continue
        part = section(page, hid)
        facts = part.count('class="fact"')
        assert facts and part.count('<p class="source">') == facts, hid
        assert len(re.findall(r'class="source">Source\u00a0: <a href="/doc/source/[^"]+">[^<]+</a>, p\.&nbsp;\d+', part)) == facts, hid
        seen += facts
    assert seen > 40


def test_experience_page_links_related_experiences(client):
    related = section(html_of(client, "/doc/experience/farmbot"), "related-h")
    programme = re.search(r"Même programme de financement</h3>(.*?)</ul>", related, re.DOTALL).group(1)
    assert 'href="/doc/concept/programme/feder"' in programme
    assert len(set(re.findall(r'href="/doc/experience/([^"]+)"', programme))) == 2  # the two other FEDER experiences
    assert "Même technologie" in related and "Même facteur de réussite" in related
    assert 'href="/doc/experience/farmbot"' not in related


@pytest.mark.parametrize("headers,url", [({}, "/doc/experience/drive-bois-anjou?lang=en"),
                                         ({"Accept-Language": "en"}, "/doc/experience/drive-bois-anjou")])
def test_experience_page_in_english(client, headers, url):
    page = html_of(client, url, **headers)
    assert '<html lang="en">' in page
    assert "Les Bois d&#39;Anjou local drive" in page and ">Funding</h2>" in page and ">Actors and roles</h2>" in page
    assert "80%" in section(page, "funding-h")
    assert "Budget and funding" in page


def test_experience_page_in_french_by_default(client):
    page = html_of(client, "/doc/experience/drive-bois-anjou", **{"Accept-Language": "fr"})
    assert '<html lang="fr">' in page and "Drive local des Bois d&#39;Anjou" in page and ">Financements</h2>" in page


def test_embedded_json_ld_is_a_schema_project(client):
    page = html_of(client, "/doc/experience/drive-bois-anjou")
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    doc = json.loads(m.group(1))
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Project"
    assert doc["@id"] == BASE + "id/experience/drive-bois-anjou"
    assert doc["startDate"] == "2018-05" and doc["url"].endswith("/doc/experience/drive-bois-anjou")
    assert any(f["name"] == "Union européenne" for f in doc["funder"])
    assert any("geo" in p for p in doc["location"])
    # Read as RDF (with the schema.org vocabulary inlined: no network), it types the IRI as schema:Project.
    doc["@context"] = {"@vocab": "https://schema.org/"}
    quads = list(ox.parse(json.dumps(doc).encode(), format=ox.RdfFormat.JSON_LD))
    assert any(q.subject == ox.NamedNode(doc["@id"]) and q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
               and q.object == ox.NamedNode("https://schema.org/Project") for q in quads)


@pytest.mark.parametrize("exp", EXPERIENCES)
def test_every_experience_page_renders_with_sources_and_local_links(client, exp):
    page = html_of(client, f"/doc/experience/{exp}")
    assert 'class="source"' in page and "application/ld+json" in page
    assert not re.search(r'href="https://w3id\.org/recueil-kg/id/', page), "links must point to local /doc/ paths"


def test_a_page_costs_few_queries(app, client):
    backend = app.extensions["recueil"]["backend"]
    calls = []
    original = backend.run
    backend.run = lambda job, deadline: calls.append(job["query"]) or original(job, deadline)
    try:
        html_of(client, "/doc/experience/drive-bois-anjou")
        assert len(calls) <= 3
        calls.clear()
        html_of(client, "/doc/agent/etat")
        assert len(calls) <= 2
    finally:
        backend.run = original


# ------------------------------------------------------------------ generic pages

def test_incoming_links_of_the_state_list_several_experiences(client):
    page = html_of(client, "/doc/agent/etat")
    incoming = section(page, "incoming-h")
    assert len(set(re.findall(r'href="/doc/experience/([^"]+)"', incoming))) >= 3
    assert "<h3>" in incoming  # grouped by property


def test_territory_page_links_insee_and_shows_the_map_point(client):
    page = html_of(client, "/doc/territory/commune-49138")
    place = section(page, "place-h")
    assert 'href="https://www.insee.fr/fr/metadonnees/cog/commune/COM49138-les-bois-d-anjou"' in place
    assert "47.48579" in place and 'href="/map"' in place
    assert 'href="/doc/experience/drive-bois-anjou"' in page  # an incoming link from the experience


@pytest.mark.parametrize("path,probe", [
    ("territory/departement-49", "cog/departement/DEP49-maine-et-loire"),
    ("territory/region-52", "cog/region/REG52-pays-de-la-loire"),
    ("territory/epci-200018166", "insee.fr/fr/recherche?q=200018166"),
])
def test_territory_codes_link_to_insee(client, path, probe):
    assert probe in html_of(client, f"/doc/{path}")


@pytest.mark.parametrize("path,probes", [
    ("concept/programme/leader", ['href="/doc/experience/drive-bois-anjou"', 'href="/doc/scheme/programme"']),
    ("scheme/theme", ['href="/doc/concept/theme/agriculture"']),
    ("source/drive-bois-anjou.budget", ["Budget et financements", "3095", 'href="/doc/node/drive-bois-anjou.funding-leader"']),
    ("node/drive-bois-anjou.funding-leader", ['href="/doc/agent/union-europeenne"', 'href="/doc/experience/drive-bois-anjou"', 'class="source"']),
    ("agent/arnaud-monchicourt", ["Arnaud Monchicourt", 'href="/doc/agent/drive-bois-anjou"']),
    ("concept/tech/website", ['href="/doc/experience/drive-bois-anjou"']),
])
def test_generic_pages_show_properties_and_incoming_links(client, path, probes):
    page = html_of(client, f"/doc/{path}")
    assert 'id="incoming-h"' in page and 'class="props"' in page
    for p in probes:
        assert p in page, p


# ------------------------------------------------------------------ the ontology

def _ontology_terms() -> list[str]:
    g = rdflib.Graph().parse(ROOT / "ontology" / "recueil.ttl")
    owl = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
    kinds = (owl.Class, owl.ObjectProperty, owl.DatatypeProperty, owl.AnnotationProperty)
    return sorted({str(s)[len(RKG):] for k in kinds for s in g.subjects(rdflib.RDF.type, k) if str(s).startswith(RKG)})


def test_def_lists_every_class_and_property_with_an_anchor(client):
    page = html_of(client, "/def")
    terms = _ontology_terms()
    assert len(terms) > 50
    for term in terms:
        assert f'id="{term}"' in page, term
    experience = re.search(r'<section class="term" id="Experience".*?</section>', page, re.DOTALL).group(0)
    assert "Expérience" in experience and "Experience" in experience and "schema:Project" in experience
    share = re.search(r'<section class="term" id="share".*?</section>', page, re.DOTALL).group(0)
    assert 'href="/def#FundingLine"' in share  # domain, linked to its anchor


@pytest.mark.parametrize("url,headers", [("/def.ttl", {}), ("/def", {"Accept": "text/turtle"})])
def test_def_in_turtle(client, url, headers):
    r = client.get(url, headers=headers)
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (rdflib.URIRef(RKG + "Experience"), rdflib.RDF.type, rdflib.OWL.Class) in g


def test_resource_pages_link_types_to_the_ontology(client):
    page = html_of(client, "/doc/experience/drive-bois-anjou")
    html_of(client, "/def")  # the target exists
    assert 'href="/def#Experience"' in page or 'href="/def#FundingLine"' in page


# ------------------------------------------------------------------ home

def test_home_page_counts_themes_and_entry_points(client):
    page = html_of(client, "/")
    counts = section(page, "counts-h")
    assert "<strong>17</strong> expériences" in counts and "triplets" in counts
    themes = section(page, "themes-h")
    assert len(re.findall(r'<h3><a href="/doc/concept/theme/', themes)) == 8
    assert 'href="/doc/experience/drive-bois-anjou"' in themes
    entry = section(page, "entry-h")
    for href in ("/queries", "/sparql", "/def"):
        assert f'href="{href}"' in entry
    assert len(set(re.findall(r'href="/doc/experience/([^"]+)"', section(page, "all-h")))) == 17


def test_home_page_in_english(client):
    page = html_of(client, "/?lang=en")
    assert "<strong>17</strong> experiences" in page and "The booklet&#39;s eight themes" in page


# ------------------------------------------------------------------ errors and odd paths

@pytest.mark.parametrize("url", ["/id/experience/nope", "/doc/experience/nope", "/doc/experience/nope.ttl",
                                 "/doc/agent/nobody.jsonld", "/id/territory/commune-00000"])
def test_unknown_resources_are_404_with_the_error_shape(client, url):
    r = client.get(url, headers={"Accept": "application/json"})
    assert r.status_code == 404
    body = r.get_json()
    assert body["status"] == 404 and body["error"] and "resource" in body["message"]
    h = client.get(url, headers={"Accept": "text/html"})
    assert h.status_code == 404 and h.mimetype == "text/html"


@pytest.mark.parametrize("url", [
    "/doc/experience/%00", "/id/%00", "/doc/experience/" + "a" * 5000, "/id/experience/" + "b" * 400,
    "/doc/../etc/passwd", "/doc/experience/../../etc/passwd", "/doc/experience/..%2F..%2Fx", "/id/./experience",
    "/doc/experience/drive-bois-anjou/", "/doc/experience/drive-bois-anjou.exe", "/doc/experience/<script>",
    "/doc/experience/dr%C3%A9ve", "/doc/experience/drive-bois-anjou%20", "/doc/experience//x", "/doc/.ttl",
    "/doc/experience/drive-bois-anjou.ttl.ttl", "/def.exe", "/doc/experience/%2e%2e", "/id/experience/drive-bois-anjou%0a",
])
def test_odd_paths_never_answer_500(client, url):
    for accept in ("text/html", "application/json", "text/turtle"):
        r = client.get(url, headers={"Accept": accept})
        assert r.status_code in (400, 404, 406, 414), (url, accept, r.status_code)


@pytest.mark.parametrize("accept", ["image/png", "application/pdf, text/csv", "text/turtle;q=0"])
def test_unacceptable_media_types_are_406(client, accept):
    r = client.get("/id/agent/etat", headers={"Accept": accept})
    assert r.status_code == 406
    assert client.get("/doc/agent/etat", headers={"Accept": accept}).status_code == 406


def test_base_iri_setting_maps_iris_to_local_paths(app):
    from recueil_kg.web.resources import href, iri_for

    cfg = app.extensions["recueil"]["config"]
    saved = cfg["BASE_IRI"]
    try:
        cfg["BASE_IRI"] = "https://example.org/kg/"
        with app.test_request_context("/"):
            assert iri_for("agent/etat") == "https://example.org/kg/id/agent/etat"
            assert href("https://example.org/kg/id/agent/etat") == "/doc/agent/etat"
            assert href("https://example.org/kg/def#Experience") == "/def#Experience"
            assert href(BASE + "id/agent/etat") == BASE + "id/agent/etat"  # not ours any more: left as is
    finally:
        cfg["BASE_IRI"] = saved
