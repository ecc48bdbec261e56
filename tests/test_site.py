"""A crawler over the whole site: every local link on the pages resolves (no 404, no 500).

Pages up to two clicks from the home page (in French and in English) are fetched and parsed; every
other /doc/ link they reveal is checked against the graph in one query (its IRI must be described),
and a fixed-seed sample of those pages is fetched too, so that the suite stays fast.
"""
from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or (tag in ("link", "script", "img") and name in ("href", "src"))):
                self.links.append(value)


def local_links(base_path: str, html: str) -> set[str]:
    p = Links()
    p.feed(html)
    out = set()
    for href in p.links:
        url = urljoin("http://local" + base_path, href)
        parts = urlsplit(url)
        if parts.netloc != "local" or href.startswith(("mailto:", "#", "javascript:")):
            continue
        path = parts.path + (("?" + parts.query) if parts.query else "")
        out.add(path)
    return out


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def crawl(client):
    """Fetch the home pages, every page they link to, and every non-resource page those link to."""
    seen: dict[str, int] = {}
    deferred: set[str] = set()

    def fetch(path: str) -> set[str]:
        r = client.get(path, headers={"Accept": "text/html"})
        seen[path] = r.status_code
        if r.status_code != 200 or "html" not in (r.mimetype or ""):
            return set()
        return {l for l in local_links(path.split("?")[0], r.data.decode("utf-8", "replace")) if not l.startswith("/sparql?")}

    level1: set[str] = set()
    for home in ("/", "/?lang=en"):
        level1 |= fetch(home)
    level2: set[str] = set()
    for path in sorted(level1 - set(seen)):
        level2 |= fetch(path)
    for path in sorted(level2 - set(seen)):
        if path.startswith("/doc/"):
            deferred.add(path)
        else:
            fetch(path)
    return seen, deferred - set(seen)


def test_no_broken_page_within_two_clicks(crawl):
    seen, _ = crawl
    bad = {p: s for p, s in seen.items() if s >= 400}
    assert len(seen) > 100
    assert bad == {}


def test_every_deeper_resource_link_is_described(client, crawl):
    _, deferred = crawl
    docs = sorted({re.sub(r"\?.*$", "", p) for p in deferred if p.startswith("/doc/")})
    assert docs, "the crawl should reveal deeper resource links"
    import json

    from recueil_kg.namespaces import BASE

    iris = [BASE + "id/" + p[len("/doc/"):] for p in docs if not re.search(r"\.(ttl|jsonld|nt|rdf)$", p)]
    iris = [i for i in iris if re.fullmatch(r"[^<>\"{}|\\^`\s]+", i)]
    missing = []
    for start in range(0, len(iris), 400):  # batches stay under the request-size limit
        values = " ".join(f"<{i}>" for i in iris[start:start + 400])
        q = f"SELECT ?r WHERE {{ VALUES ?r {{ {values} }} FILTER NOT EXISTS {{ {{ ?r ?p ?o }} UNION {{ ?s ?p2 ?r }} }} }}"
        r = client.post("/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.data[:300]
        missing += [b["r"]["value"] for b in json.loads(r.data)["results"]["bindings"]]
    assert missing == []


def test_sample_of_deeper_pages_render(client, crawl):
    _, deferred = crawl
    sample = random.Random(2018).sample(sorted(deferred), min(60, len(deferred)))
    bad = {p: client.get(p, headers={"Accept": "text/html"}).status_code for p in sample}
    assert {p: s for p, s in bad.items() if s >= 400} == {}
