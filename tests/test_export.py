"""The open-data release (`recueil-kg export`), its DCAT and VoID descriptions, and /dataset, /.well-known/void, /downloads."""
from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal

import pytest
import rdflib
import yaml
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS

from recueil_kg.cli import main
from recueil_kg.dcat import DISTRIBUTIONS, LICENCE, SPDX
from recueil_kg.export import CURATED_GRAPHS, RELEASE_MARK, SUMS, export, is_release, store_select
from recueil_kg.namespaces import BASE, IGEO, sparql_prefixes
from recueil_kg.tables import TABLES
from recueil_kg.void import EXAMPLES, VOID

from .conftest import ROOT

EU = "http://publications.europa.eu/resource/authority/"
FILES = sorted([d.name for d in DISTRIBUTIONS] + ["dcat.ttl", SUMS])
BY_NAME = {t.name: t for t in TABLES}
FACTS = yaml.safe_load((ROOT / "tests" / "booklet_facts.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "release"
    export(ROOT, out)
    return out


@pytest.fixture(scope="module")
def select(store):
    sel = store_select(store, CURATED_GRAPHS)
    return lambda q: sel(sparql_prefixes() + q)


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def count(select, query) -> int:
    return int(select(query)[0]["n"])


# ------------------------------------------------------------------ files and checksums

def test_every_file_is_written_and_nothing_else(release):
    names = sorted(p.name for p in release.iterdir() if not p.name.startswith("."))
    assert names == FILES
    assert all((release / n).stat().st_size > 0 for n in names)
    assert is_release(release)
    assert not list(release.parent.glob(".release.*")), "temporary folders left behind"


def test_checksums_match_every_file(release):
    lines = (release / SUMS).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == [n for n in FILES if n != SUMS]
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("name", ["dataset.trig", "dataset.nq"])
def test_full_dataset_dumps_hold_every_quad(release, store, name):
    import pyoxigraph as ox

    copy = ox.Store()
    copy.load(path=str(release / name))
    assert len(copy) == len(store)


@pytest.mark.parametrize("name,fmt", [("asserted.ttl", "turtle"), ("asserted.jsonld", "json-ld"), ("asserted.nt", "nt")])
def test_asserted_dumps_agree(release, built, name, fmt):
    g = rdflib.Graph().parse(release / name, format=fmt)
    assert len(g) == len(built.asserted)


def test_ontology_and_shapes(release):
    onto = rdflib.Graph().parse(release / "ontology.ttl", format="turtle")
    assert (rdflib.URIRef(BASE + "def#Experience"), RDF.type, rdflib.OWL.Class) in onto
    shapes = rdflib.Graph().parse(release / "shapes.ttl", format="turtle")
    assert any(shapes.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))


# ------------------------------------------------------------------ tables

EXPECTED_ROWS = {
    "experiences": "SELECT (COUNT(?e) AS ?n) WHERE { ?e a rkg:Experience }",
    "funding_lines": "SELECT (COUNT(?f) AS ?n) WHERE { ?f a rkg:FundingLine }",
    "actors_and_roles": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?e a rkg:Experience ; rkg:hasActorRole ?r }",
    "territories": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a ?c . ?c rdfs:subClassOf* rkg:Territory }",
    "technologies": "SELECT (COUNT(*) AS ?n) WHERE { ?e a rkg:Experience ; rkg:usesTechnology ?t }",
    "success_factors": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?e a rkg:Experience ; rkg:hasSuccessFactor ?s }",
    "results": """SELECT (COUNT(*) AS ?n) WHERE { { ?e a rkg:Experience ; rkg:hasResult ?r . ?r rkg:hasIndicator ?i }
                  UNION { ?e a rkg:Experience ; rkg:hasResult ?r FILTER NOT EXISTS { ?r rkg:hasIndicator ?j } } }""",
}


@pytest.mark.parametrize("table", sorted(EXPECTED_ROWS))
def test_table_header_and_row_count(release, select, table):
    header, rows = read_csv(release / f"{table}.csv")
    assert header == BY_NAME[table].header
    assert len(rows) == count(select, EXPECTED_ROWS[table])
    assert all(len(r) == len(header) for r in rows)


def test_seventeen_experiences_with_their_numbers(release):
    _, rows = read_csv(release / "experiences.csv")
    assert len(rows) == 17
    numbers = {r["id"].rsplit("/", 1)[1]: r["number"] for r in rows}
    assert numbers == {k: str(v["number"]) if v["number"] is not None else "" for k, v in FACTS["experiences"].items()}
    drive = next(r for r in rows if r["id"].endswith("/drive-bois-anjou"))
    assert drive["themes"] == "agriculture | proximity" and drive["start_year"] == "2018" and drive["page"] == "46"
    ids, labels = drive["territories"].split(" | "), drive["territory_labels"].split(" | ")
    assert len(ids) == len(labels) == 3 and dict(zip(ids, labels))[BASE + "id/territory/commune-49138"] == "Les Bois d'Anjou"


def test_every_funding_amount_is_in_funding_lines(release, select):
    _, rows = read_csv(release / "funding_lines.csv")
    by_id = {r["id"]: r for r in rows}
    for prop, col in (("rkg:amount", "amount"), ("rkg:minAmount", "min_amount"), ("rkg:maxAmount", "max_amount")):
        for r in select(f"SELECT ?f ?a WHERE {{ ?f a rkg:FundingLine ; {prop} ?a }}"):
            assert Decimal(by_id[r["f"]][col]) == Decimal(r["a"]), (r["f"], col)
    assert "26425.38" in {r["amount"] for r in rows}
    printed = {Decimal(str(a)) for e in FACTS["experiences"].values() for a in e["amounts"]}
    in_csv = {Decimal(r[c]) for r in rows for c in ("amount", "min_amount", "max_amount") if r[c]}
    assert in_csv <= printed, "a funding amount the booklet does not print"


def test_funders_and_labels_stay_aligned(release):
    _, rows = read_csv(release / "funding_lines.csv")
    several = [r for r in rows if " | " in r["funder_id"]]
    assert several, "the data has a line with two funders (codi-n-camp)"
    for r in rows:
        assert len(r["funder_id"].split(" | ")) == len(r["funder_label"].split(" | ")) or not r["funder_id"]


def test_programmes_as_in_the_booklet(release):
    _, rows = read_csv(release / "funding_lines.csv")
    for prog, exps in FACTS["programmes"].items():
        found = {r["experience"].rsplit("/", 1)[1] for r in rows if prog in r["programme"].split(" | ")}
        assert found == set(exps), prog


def test_territories_carry_insee_facts(release):
    _, rows = read_csv(release / "territories.csv")
    crest = next(r for r in rows if r["id"].endswith("/commune-26108"))
    assert crest["insee_code"] == "26108" and crest["departement_code"] == "26" and crest["region_code"] == "84"
    assert int(crest["legal_population"]) > 0 and -90 <= float(crest["lat"]) <= 90


def test_data_dictionary_describes_every_column(release):
    _, rows = read_csv(release / "data-dictionary.csv")
    described = {(r["file"], r["column"]) for r in rows if r["description_en"] and r["description_fr"]}
    for t in TABLES:
        header, _ = read_csv(release / f"{t.name}.csv")
        assert {(t.name + ".csv", c) for c in header} <= described
    md = (release / "data-dictionary.md").read_text(encoding="utf-8")
    assert all(f"## {t.name}.csv" in md for t in TABLES)


def test_tables_load_in_pandas(release):
    pd = pytest.importorskip("pandas")
    for t in TABLES:
        df = pd.read_csv(release / f"{t.name}.csv", dtype=str, keep_default_na=False)
        _, rows = read_csv(release / f"{t.name}.csv")
        assert list(df.columns) == t.header and len(df) == len(rows)


# ------------------------------------------------------------------ DCAT and VoID in the release

@pytest.fixture(scope="module")
def dcat(release):
    return rdflib.Graph().parse(release / "dcat.ttl", format="turtle")


def test_dcat_has_a_licensed_distribution_per_file(release, dcat):
    ds = rdflib.URIRef(BASE + "dataset")
    dists = {str(dcat.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]: d for d in dcat.objects(ds, DCAT.distribution)
             if dcat.value(d, DCAT.downloadURL)}
    for name in FILES:
        if name in ("dcat.ttl", SUMS):
            continue
        d = dists[name]
        assert (d, DCTERMS.license, LICENCE) in dcat, name
        assert int(dcat.value(d, DCAT.byteSize)) == (release / name).stat().st_size, name
        assert dcat.value(d, DCAT.mediaType) is not None
        ck = dcat.value(d, SPDX.checksum)
        assert dcat.value(ck, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(dcat.value(ck, SPDX.checksumValue)) == hashlib.sha256((release / name).read_bytes()).hexdigest(), name


def test_dcat_dataset_metadata(dcat, select):
    ds = rdflib.URIRef(BASE + "dataset")
    assert (ds, DCTERMS.license, LICENCE) in dcat
    publisher = dcat.value(ds, DCTERMS.publisher)
    assert dcat.value(publisher, FOAF.name) is not None
    source = dcat.value(ds, DCTERMS.source)
    assert source == rdflib.URIRef(BASE + "id/source/recueil-2018")
    assert dcat.value(source, DCTERMS.publisher) == rdflib.URIRef(BASE + "id/agent/reseau-rural-national")
    period = dcat.value(ds, DCTERMS.temporal)
    first = min(int(r["y"]) for r in select("SELECT ?y WHERE { ?e rkg:startYear ?y }"))
    assert int(str(dcat.value(period, DCAT.startDate))) <= first and str(dcat.value(period, DCAT.endDate)) == "2018"
    spatial = {str(o) for o in dcat.objects(ds, DCTERMS.spatial)}
    assert {EU + "country/FRA", EU + "country/DEU", BASE + "id/territory/region-84"} <= spatial
    langs = {k.language for k in dcat.objects(ds, DCAT.keyword)}
    assert langs == {"fr", "en"}
    contact = dcat.value(ds, DCAT.contactPoint)
    assert contact is not None and not any("mailto:" in str(o) for o in dcat.objects(contact, None))
    assert dcat.value(ds, DCTERMS.issued) is not None and dcat.value(ds, DCTERMS.modified) is not None
    assert dcat.value(ds, rdflib.URIRef(str(DCAT) + "version")) is not None


def test_release_void_counts_every_quad(release, store):
    void = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    ds = rdflib.URIRef(BASE + "dataset")
    assert int(void.value(ds, VOID.triples)) == len(store)


def test_example_resources_exist(store):
    import pyoxigraph as ox

    for ex in EXAMPLES:
        assert any(store.quads_for_pattern(ox.NamedNode(BASE + ex), None, None)), ex


# ------------------------------------------------------------------ atomicity and the command line

def test_failed_export_leaves_the_previous_release(release, tmp_path, monkeypatch):
    out = tmp_path / "rel"
    export(ROOT, out)
    before = (out / SUMS).read_bytes()

    def boom():
        raise RuntimeError("disk full")

    monkeypatch.setattr("recueil_kg.export.dictionary_markdown", boom)
    with pytest.raises(RuntimeError):
        export(ROOT, out)
    assert (out / SUMS).read_bytes() == before and is_release(out)
    assert [p.name for p in tmp_path.iterdir()] == ["rel"], "temporary folders left behind"


def test_cli_export_and_refusal_to_clobber(tmp_path, capsys):
    assert main(["--root", str(ROOT), "export", "--out", str(tmp_path / "r")]) == 0
    assert "experiences.csv" in capsys.readouterr().out
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    assert main(["--root", str(ROOT), "export", "--out", str(precious)]) == 2
    assert (precious / "notes.txt").read_text() == "keep me" and not (precious / RELEASE_MARK).exists()


# ------------------------------------------------------------------ the web surfaces

@pytest.fixture(scope="module")
def app(release):
    from recueil_kg.app import close_app, create_app

    app = create_app({"ROOT": str(ROOT), "RELEASE_DIR": str(release), "WORKERS": 1})
    yield app
    close_app(app)


@pytest.fixture()
def client(app):
    return app.test_client()


def test_well_known_void_counts_the_store(client, store, select):
    resp = client.get("/.well-known/void")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=resp.data, format="turtle")
    ds = rdflib.URIRef(BASE + "dataset")
    assert int(g.value(ds, VOID.triples)) == len(store)
    assert str(g.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
    assert len(list(g.objects(ds, VOID.classPartition))) == int(g.value(ds, VOID.classes))
    assert len(list(g.objects(ds, VOID.propertyPartition))) == int(g.value(ds, VOID.properties))
    assert set(map(str, g.objects(ds, VOID.exampleResource))) == {BASE + e for e in EXAMPLES}


def test_void_linksets(client, select):
    g = rdflib.Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    linksets = set(g.subjects(RDF.type, VOID.Linkset))
    insee = [ls for ls in linksets if (ls, VOID.linkPredicate, IGEO.codeINSEE) in g]
    assert len(insee) == 1
    assert int(g.value(insee[0], VOID.triples)) == count(select, "SELECT (COUNT(*) AS ?n) WHERE { ?t igeo:codeINSEE ?c }")
    assert "insee.fr" in str(g.value(g.value(insee[0], VOID.objectsTarget), FOAF.homepage))
    wikidata = [ls for ls in linksets if str(g.value(g.value(ls, VOID.objectsTarget), VOID.sparqlEndpoint)) == "https://query.wikidata.org/sparql"]
    assert len(wikidata) == 1
    assert any(str(o).endswith("/queries/wikidata-territories") for o in g.objects(wikidata[0], RDFS.seeAlso))
    assert any("internet" in str(o) for o in g.objects(wikidata[0], DCTERMS.description))


@pytest.mark.parametrize("accept,fmt,media", [
    ("application/ld+json", "json-ld", "application/ld+json"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("application/rdf+xml", "xml", "application/rdf+xml"),
])
def test_void_negotiation(client, accept, fmt, media):
    resp = client.get("/.well-known/void", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == media
    assert len(rdflib.Graph().parse(data=resp.data, format=fmt)) > 100


def test_void_refuses_a_non_rdf_format(client):
    assert client.get("/.well-known/void?format=csv").status_code == 406


@pytest.mark.parametrize("accept,fmt", [("*/*", "turtle"), ("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_dataset_as_rdf(client, release, accept, fmt):
    resp = client.get("/dataset", headers={"Accept": accept})
    assert resp.status_code == 200
    g = rdflib.Graph().parse(data=resp.data, format=fmt)
    ds = rdflib.URIRef(BASE + "dataset")
    urls = {str(u).rsplit("/", 1)[1] for d in g.objects(ds, DCAT.distribution) for u in g.objects(d, DCAT.downloadURL)}
    assert urls == {n for n in FILES if n not in ("dcat.ttl", SUMS)}
    assert all((d, DCTERMS.license, LICENCE) in g for d in g.objects(ds, DCAT.distribution))


@pytest.mark.parametrize("lang,probe", [("fr", "Couverture géographique"), ("en", "Spatial coverage")])
def test_dataset_page_for_browsers(client, lang, probe):
    resp = client.get(f"/dataset?lang={lang}", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    text = resp.get_data(as_text=True)
    assert probe in text and "Licence Ouverte" in text and "/downloads/experiences.csv" in text


def test_downloads_lists_sizes_and_checksums(client, release):
    files = {f["name"]: f for f in client.get("/downloads", headers={"Accept": "application/json"}).get_json()["files"]}
    assert sorted(files) == FILES
    for name, f in files.items():
        assert f["size"] == (release / name).stat().st_size
        if name != SUMS:
            assert f["sha256"] == hashlib.sha256((release / name).read_bytes()).hexdigest()
    assert client.get("/downloads", headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize("name", ["experiences.csv", "dataset.trig", SUMS, "dcat.ttl"])
def test_downloads_serve_the_files(client, release, name):
    resp = client.get(f"/downloads/{name}")
    assert resp.status_code == 200 and resp.data == (release / name).read_bytes()
    if name.endswith(".csv"):
        assert resp.mimetype == "text/csv" and next(csv.reader(io.StringIO(resp.get_data(as_text=True)))) == BY_NAME["experiences"].header


@pytest.mark.parametrize("path", [
    "/downloads/../pyproject.toml", "/downloads/..%2fpyproject.toml", "/downloads/..%2F..%2Fpyproject.toml",
    "/downloads/%2e%2e/%2e%2e/README.md", "/downloads/..", "/downloads/" + RELEASE_MARK, "/downloads//etc/passwd",
    "/downloads/sub/experiences.csv", "/downloads/experiences.csv/..", "/downloads/%00experiences.csv", "/downloads/no-such.csv",
])
def test_downloads_refuse_traversal(client, path):
    resp = client.get(path, follow_redirects=True)  # werkzeug merges double slashes with a redirect
    assert resp.status_code in (400, 404)
    assert b"[project]" not in resp.data and b"root:" not in resp.data


def test_downloads_build_the_release_on_demand(app, tmp_path, monkeypatch):
    target = tmp_path / "on-demand"
    monkeypatch.setitem(app.extensions["recueil"]["config"], "RELEASE_DIR", str(target))
    resp = app.test_client().get("/downloads/experiences.csv")
    assert resp.status_code == 200 and is_release(target)
    assert len(list(csv.reader(io.StringIO(resp.get_data(as_text=True))))) == 18
