"""Full-text search (/search?q=): an in-memory index of titles, summaries, descriptions and labels.

Built once per application, lazily, from one catalogue query. Text is folded (Unicode NFKD, combining
marks dropped, case-folded, œ/æ written out) so that "teleconsultation" finds "téléconsultation".
A result is a page: an experience (for its own texts and those of its statements, roles, funding
lines…) or another resource (organisation, territory, concept).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask import current_app, g, render_template, request

from ..errors import RecueilError
from ..namespaces import PREFIXES
from .errors import wants_html
from .facets import app_cache

ID = "https://w3id.org/recueil-kg/id/"
FIELDS = {  # property -> weight
    "http://purl.org/dc/terms/title": 5, PREFIXES["rdfs"] + "label": 5, PREFIXES["skos"] + "prefLabel": 5,
    PREFIXES["skos"] + "altLabel": 4, PREFIXES["rkg"] + "summary": 3, PREFIXES["rkg"] + "description": 1,
    PREFIXES["skos"] + "definition": 1, PREFIXES["rdfs"] + "comment": 1, PREFIXES["rkg"] + "purpose": 1,
    PREFIXES["rkg"] + "jobTitle": 1,
}
SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"}
WORD = re.compile(r"\w+")
MAX_Q = 200


def fold_char(c: str) -> str:
    if c in SPECIAL:
        return SPECIAL[c]
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)).casefold()


def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    out, where = [], []
    for i, c in enumerate(text):
        f = fold_char(c)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


@dataclass
class Doc:
    target: str      # the page the hit leads to (an experience, or the resource itself)
    source: str      # the resource the text belongs to
    weight: int
    lang: str
    text: str
    tokens: frozenset


class Index:
    def __init__(self, docs: list[Doc], labels: dict, kinds: dict):
        self.docs, self.labels, self.kinds = docs, labels, kinds
        self.by_token: dict[str, set[int]] = {}
        for n, d in enumerate(docs):
            for tok in d.tokens:
                self.by_token.setdefault(tok, set()).add(n)
        self.vocabulary = sorted(self.by_token)

    def _postings(self, term: str) -> dict[int, float]:
        """Docs matching one query word: exact word 1.0, word starting with it (3 letters or more) 0.6."""
        hits = {n: 1.0 for n in self.by_token.get(term, ())}
        if len(term) >= 3:
            for tok in self.vocabulary:
                if tok != term and tok.startswith(term):
                    for n in self.by_token[tok]:
                        hits.setdefault(n, 0.6)
        return hits

    def search(self, q: str, limit: int = 50) -> tuple[list[str], list[dict]]:
        terms = list(dict.fromkeys(WORD.findall(fold(q))))
        if not terms:
            return [], []
        scores: dict[str, float] = {}
        covered: dict[str, set] = {}
        docs_of: dict[str, dict[int, int]] = {}
        for term in terms:
            for n, s in self._postings(term).items():
                d = self.docs[n]
                scores[d.target] = scores.get(d.target, 0) + s * d.weight
                covered.setdefault(d.target, set()).add(term)
                docs_of.setdefault(d.target, {})
                docs_of[d.target][n] = docs_of[d.target].get(n, 0) + 1
        found = [t for t in scores if len(covered[t]) == len(terms)]
        found.sort(key=lambda t: (-scores[t], self.labels.get(t, {}).get("fr", t)))
        return terms, [{"target": t, "score": round(scores[t], 2), "docs": docs_of[t]} for t in found[:limit]]


def _kind(iri: str) -> str:
    return iri[len(ID):].rsplit("/", 1)[0] if iri.startswith(ID) else ""


def _build() -> Index:
    cat = current_app.extensions["recueil"]["catalogue"]
    props = " ".join(f"<{p}>" for p in FIELDS)
    rows = cat.select(f"""SELECT DISTINCT ?s ?p ?text (lang(?text) AS ?lang) WHERE {{
        VALUES ?p {{ {props} }} ?s ?p ?text .
        FILTER(isLiteral(?text) && STRSTARTS(STR(?s), "{ID}") && !STRSTARTS(STR(?s), "{ID}source/")) }}""", cap=1_000_000)
    owners = cat.select(f"""PREFIX rkg: <{PREFIXES['rkg']}> SELECT DISTINCT ?n ?e WHERE {{ ?e a rkg:Experience .
        {{ ?e ?p ?n }} UNION {{ ?e ?p ?x . ?x ?q ?n . FILTER(STRSTARTS(STR(?x), "{ID}node/")) }}
        FILTER(STRSTARTS(STR(?n), "{ID}node/")) }}""", cap=1_000_000)
    owner = {}
    for r in sorted(owners, key=lambda r: r["e"]):
        owner.setdefault(r["n"], r["e"])
    types = cat.select(f"""PREFIX rdfs: <{PREFIXES['rdfs']}> SELECT ?n ?l (lang(?l) AS ?lang) WHERE {{
        GRAPH <https://w3id.org/recueil-kg/graph/asserted> {{ ?n a ?c }} FILTER(STRSTARTS(STR(?n), "{ID}node/"))
        GRAPH <https://w3id.org/recueil-kg/graph/ontology> {{ ?c rdfs:label ?l }} }}""", cap=1_000_000)
    labels: dict[str, dict] = {}
    docs = []
    seen = set()
    for r in rows:
        s, p, text, lang = r["s"], r["p"], r["text"], r.get("lang") or ""
        if p in (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel"):
            labels.setdefault(s, {}).setdefault(lang or "fr", text)
        if (s, text) in seen:
            continue
        seen.add((s, text))
        target = owner.get(s, s) if s.startswith(ID + "node/") else s
        docs.append(Doc(target, s, FIELDS[p], lang, text, frozenset(WORD.findall(fold(text)))))
    kinds = {}
    for r in types:
        kinds.setdefault(r["n"], {})[r.get("lang") or "fr"] = r["l"]
    return Index(docs, labels, kinds)


def index() -> Index:
    return app_cache("search-index", _build)


def doc_url(iri: str) -> str:
    return "/doc/" + iri[len(ID):] if iri.startswith(ID) else iri


def highlight(text: str, terms: list[str], width: int = 220) -> list[tuple[str, bool]]:
    """The text (cut around the first match) as segments (text, is_match) for the template to escape."""
    folded, where = fold_with_map(text)
    spans = []
    for m in WORD.finditer(folded):
        if any(m.group() == t or (len(t) >= 3 and m.group().startswith(t)) for t in terms):
            spans.append((where[m.start()], where[m.end() - 1] + 1))
    start, end = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = min(len(text), start + width)
        if end < len(text):
            end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    out, pos = [], start
    if start > 0:
        out.append(("… ", False))
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < end:
        out.append((text[pos:end], False))
    if end < len(text):
        out.append((" …", False))
    return out


def results(q: str, lang: str) -> tuple[list[str], list[dict]]:
    idx = index()
    terms, found = idx.search(q)
    out = []
    for hit in found:
        target = hit["target"]
        ranked = sorted(hit["docs"].items(), key=lambda kv: (-kv[1], idx.docs[kv[0]].lang != lang, -idx.docs[kv[0]].weight))
        snippets, shown = [], set()
        for n, _ in ranked:
            d = idx.docs[n]
            if d.lang not in ("", lang) and any(idx.docs[m].lang == lang and idx.docs[m].source == d.source for m, _ in ranked):
                continue
            if (d.source, d.lang) in shown:
                continue
            shown.add((d.source, d.lang))
            kind = idx.kinds.get(d.source, {})
            snippets.append({"source": d.source, "kind": kind.get(lang) or kind.get("fr"), "lang": d.lang,
                             "segments": highlight(d.text, terms)})
            if len(snippets) == 3:
                break
        names = idx.labels.get(target, {})
        out.append({"iri": target, "url": doc_url(target), "kind": _kind(target), "score": hit["score"],
                    "label": names.get(lang) or names.get("fr") or next(iter(names.values()), target.rsplit("/", 1)[-1]),
                    "snippets": snippets})
    return terms, out


def page(as_json: bool = False):
    q = request.args.get("q", "")
    if len(q) > MAX_Q:
        raise RecueilError(f"parameter 'q' is longer than {MAX_Q} characters", status=400)
    lang = g.get("lang", "fr")
    terms, found = results(q, lang) if q.strip() else ([], [])
    if as_json or not wants_html():
        return {"q": q, "terms": terms, "count": len(found),
                "results": [{"iri": r["iri"], "url": r["url"], "kind": r["kind"], "label": r["label"], "score": r["score"],
                             "snippets": ["".join(s for s, _ in sn["segments"]) for sn in r["snippets"]]} for r in found]}
    return render_template("web/explore/search.html", q=q, terms=terms, results=found)
