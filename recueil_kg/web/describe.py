"""A resource's description (triples from resources.py) turned into what the page templates show.

Labels and texts are picked in the page language (then French, then English, then untagged). Every value
links to its local page; every n-ary node carries the booklet sections (page and lines) it derives from.
"""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .resources import compact, euros, href, insee_url, key, local_name, number, percent

RKG, RDF, RDFS, SKOS = PREFIXES["rkg"], PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["skos"]
DCT, PROV, SCHEMA, IGEO = PREFIXES["dcterms"], PREFIXES["prov"], PREFIXES["schema"], PREFIXES["igeo"]
WGS, XSD = PREFIXES["wgs84"], PREFIXES["xsd"]
TYPE = RDF + "type"
LABEL_PROPS = (RDFS + "label", SKOS + "prefLabel", DCT + "title")
TEXT_PROPS = (RKG + "description", RKG + "purpose")
NUMERIC = {XSD + t for t in ("decimal", "integer", "double", "float", "positiveInteger", "nonNegativeInteger", "int")}
EXTERNAL_LABELS = {
    TYPE: ("type", "type"), RDFS + "label": ("libellé", "label"), RDFS + "comment": ("commentaire", "comment"),
    SKOS + "prefLabel": ("libellé préféré", "preferred label"), SKOS + "altLabel": ("autre libellé", "alternative label"),
    SKOS + "definition": ("définition", "definition"), SKOS + "inScheme": ("dans le schéma", "in scheme"),
    SKOS + "topConceptOf": ("concept de tête de", "top concept of"), SKOS + "notation": ("notation", "notation"),
    SKOS + "editorialNote": ("note éditoriale", "editorial note"), SKOS + "broader": ("plus général", "broader"),
    DCT + "title": ("titre", "title"), DCT + "isPartOf": ("fait partie de", "is part of"),
    DCT + "publisher": ("éditeur", "publisher"), DCT + "issued": ("publié en", "issued"),
    DCT + "language": ("langue", "language"), DCT + "relation": ("ressource liée", "related resource"),
    DCT + "abstract": ("résumé", "abstract"), DCT + "subject": ("sujet", "subject"), DCT + "spatial": ("lieu", "place"),
    PROV + "wasDerivedFrom": ("source dans le recueil", "source in the booklet"),
    PROV + "qualifiedAssociation": ("association qualifiée", "qualified association"),
    SCHEMA + "url": ("site web", "website"), SCHEMA + "startDate": ("date de début", "start date"),
    SCHEMA + "endDate": ("date de fin", "end date"), SCHEMA + "worksFor": ("travaille pour", "works for"),
    PREFIXES["org"] + "subOrganizationOf": ("sous-organisation de", "sub-organisation of"),
    WGS + "lat": ("latitude", "latitude"), WGS + "long": ("longitude", "longitude"),
    IGEO + "codeINSEE": ("code INSEE", "INSEE code"), IGEO + "nom": ("nom officiel", "official name"),
    IGEO + "subdivisionDe": ("subdivision de", "subdivision of"),
    PREFIXES["geo"] + "hasGeometry": ("géométrie", "geometry"), PREFIXES["geo"] + "asWKT": ("géométrie (WKT)", "geometry (WKT)"),
}


class Described:
    """Triples indexed by subject and predicate, with label and text lookup in one language."""

    def __init__(self, triples, lang: str, term_labels: dict[str, dict[str, str]] | None = None):
        self.lang = lang
        self.term_labels = term_labels or {}
        self.out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            vals = self.out[key(t.subject)][t.predicate.value]
            if t.object not in vals:
                vals.append(t.object)

    def has(self, s: str) -> bool:
        return s in self.out

    def objs(self, s: str, p: str) -> list:
        return self.out.get(s, {}).get(p, [])

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.objs(s, p) if isinstance(o, ox.NamedNode)]

    def types(self, s: str) -> set[str]:
        return set(self.iris(s, TYPE))

    def pick(self, literals: list) -> str | None:
        lits = [o for o in literals if isinstance(o, ox.Literal)]
        for want in (self.lang, "fr", "en", None):
            for o in lits:
                if (o.language or None) == want:
                    return o.value
        return lits[0].value if lits else None

    def text(self, s: str, *props: str) -> str | None:
        for p in props:
            v = self.pick(self.objs(s, p))
            if v is not None:
                return v
        return None

    def label(self, term) -> str:
        s = key(term)
        if isinstance(term, ox.Literal):
            return term.value
        found = self.text(s, *LABEL_PROPS) or self.text(s, *TEXT_PROPS)
        if found:
            return found if len(found) <= 90 else found[:87].rsplit(" ", 1)[0] + "…"
        if s in self.term_labels or s in EXTERNAL_LABELS:
            return self.term_label(s)
        return local_name(s) if href(s) != s else compact(s)

    def term_label(self, iri: str) -> str:
        """The label of an ontology term (property or class) in the page language."""
        if iri in self.term_labels:
            labels = self.term_labels[iri]
            return labels.get(self.lang) or labels.get("fr") or next(iter(labels.values()))
        if iri in EXTERNAL_LABELS:
            return EXTERNAL_LABELS[iri][1 if self.lang == "en" else 0]
        return compact(iri)

    def link(self, term) -> dict:
        """A value as the templates show it: text, optional link, language."""
        if isinstance(term, ox.Literal):
            dt = term.datatype.value if term.datatype else ""
            if dt == XSD + "anyURI":
                return {"text": term.value, "href": term.value, "external": True}
            text = number(term.value, self.lang) if dt in NUMERIC and not term.language else term.value
            return {"text": text, "lang": term.language}
        iri = key(term)
        h = href(iri)
        return {"text": self.label(term), "href": h, "external": h == iri, "iri": iri}

    def section(self, sec: str) -> dict:
        """A booklet section (or chapter): its kind, page(s) and lines in the text edition."""
        kinds = [self.label(ox.NamedNode(k)) for k in self.iris(sec, RKG + "sectionType")]
        page, end = self.text(sec, RKG + "startPage"), self.text(sec, RKG + "endPage")
        first, last = self.text(sec, RKG + "firstLine"), self.text(sec, RKG + "lastLine")
        return {"href": href(sec), "iri": sec, "section": " / ".join(kinds) or local_name(sec),
                "page": page if not end or end == page else f"{page}–{end}",
                "first": int(page) if page and page.isdigit() else 0, "line": int(first) if first and first.isdigit() else 0,
                "lines": f"{first}–{last}" if first and last else None}

    def sources(self, s: str) -> list[dict]:
        """The booklet sections a node derives from, in page order."""
        return sorted((self.section(sec) for sec in self.iris(s, PROV + "wasDerivedFrom")),
                      key=lambda x: (x["first"], x["line"]))

    def notes(self, s: str) -> list[dict]:
        notes = [o for o in self.objs(s, RKG + "note") if isinstance(o, ox.Literal)]
        mine = [o for o in notes if o.language == self.lang] or notes
        return [{"text": o.value, "lang": o.language} for o in mine]

    def properties(self, s: str, skip: set[str] = frozenset()) -> list[dict]:
        """Outgoing links grouped by property, language-tagged texts narrowed to the page language."""
        groups = []
        for p, vals in self.out.get(s, {}).items():
            if p in skip:
                continue
            tagged = [v for v in vals if isinstance(v, ox.Literal) and v.language]
            if tagged and any(v.language == self.lang for v in tagged):
                vals = [v for v in vals if not (isinstance(v, ox.Literal) and v.language and v.language != self.lang)]
            groups.append({"iri": p, "href": href(p), "label": self.term_label(p), "values": [self.link(v) for v in vals]})
        return sorted(groups, key=lambda g: (g["iri"] != RDFS + "label", g["label"].lower()))

    def territory(self, iri: str) -> dict:
        """Label, official code with its INSEE link, and map point of a territory."""
        code = self.text(iri, IGEO + "codeINSEE")
        siren = self.text(iri, RKG + "siren")
        name = self.text(iri, IGEO + "nom") or self.label(ox.NamedNode(iri))
        lat, lon = self.text(iri, WGS + "lat"), self.text(iri, WGS + "long")
        return {"iri": iri, "href": href(iri), "label": self.label(ox.NamedNode(iri)),
                "code": code, "insee": insee_url(self.types(iri), code, name) if code else None,
                "siren": siren, "siren_search": f"https://www.insee.fr/fr/recherche?q={siren}" if siren else None,
                "lat": lat, "lon": lon,
                "osm": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=12/{lat}/{lon}" if lat and lon else None}


def group_links(rows: list[dict], d: Described) -> tuple[list[dict], list[dict], list[dict]]:
    """Incoming links grouped by property (with each subject's owning experience): stated, then inferred only;
    and the outgoing links only the reasoner added."""
    incoming: dict[str, dict[str, dict]] = defaultdict(dict)
    incoming_inferred: dict[str, dict[str, dict]] = defaultdict(dict)
    inferred: dict[str, dict[str, dict]] = defaultdict(dict)
    labels: dict[str, list] = defaultdict(list)
    owners: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r["dir"].value in ("in", "in-inferred"):
            s = key(r["s"])
            (incoming if r["dir"].value == "in" else incoming_inferred)[r["p"].value].setdefault(s, {"term": r["s"]})
            if "l" in r and (r["lp"].value, r["l"]) not in labels[s]:
                labels[s].append((r["lp"].value, r["l"]))
            if "e" in r:
                owners[s][r["e"].value] += [r["el"]] if "el" in r and r["el"] not in owners[s][r["e"].value] else []
        else:
            o = key(r["o"])
            inferred[r["p"].value].setdefault(o, {"term": r["o"]})
            if "l" in r:
                labels[o].append((r["lp"].value, r["l"]))

    def label_of(k: str, term) -> str:
        if isinstance(term, ox.Literal):
            return term.value
        by_prop = defaultdict(list)
        for p, lit in labels.get(k, []):
            by_prop[p].append(lit)
        for p in (*LABEL_PROPS, *TEXT_PROPS):
            if by_prop.get(p):
                text = d.pick(by_prop[p])
                return text if len(text) <= 110 else text[:107].rsplit(" ", 1)[0] + "…"
        return d.label(term)

    def build(groups):
        out = []
        for p, items in groups.items():
            values = []
            for k, item in items.items():
                v = d.link(item["term"]) | {"text": label_of(k, item["term"])}
                v["owners"] = [{"href": href(e), "text": d.pick(ls) or local_name(e)} for e, ls in owners.get(k, {}).items()]
                values.append(v)
            values.sort(key=lambda v: v["text"].lower())
            out.append({"iri": p, "href": href(p), "label": d.term_label(p), "values": values})
        return sorted(out, key=lambda g: g["label"].lower())

    return build(incoming), build(incoming_inferred), build(inferred)


# ------------------------------------------------------------------ the experience page

STATEMENTS = [  # (property, key) in the order of the booklet's sections
    ("hasContextFact", "context"), ("hasObjective", "objectives"), ("hasActivity", "activities"),
    ("hasMilestone", "milestones"), ("hasGovernance", "governance"), ("hasResult", "results"),
    ("hasDigitalContribution", "digital"), ("hasSuccessFactor", "factors"), ("hasObstacle", "obstacles"),
    ("hasPlannedStep", "planned"), ("hasTestimony", "testimonies"), ("hasLesson", "lessons")]


def _links(d: Described, s: str, prop: str) -> list[dict]:
    return [d.link(o) for o in d.objs(s, RKG + prop)]


def quantity(d: Described, n: str, value: str, low: str, high: str, money: bool) -> str | None:
    fmt = (lambda v: euros(v, d.lang)) if money else (lambda v: number(v, d.lang))
    v, lo, hi = d.text(n, RKG + value), d.text(n, RKG + low), d.text(n, RKG + high)
    text = fmt(v) if v else f"{fmt(lo)} – {fmt(hi)}" if lo and hi else f"≥ {fmt(lo)}" if lo else f"≤ {fmt(hi)}" if hi else None
    quals = [d.label(q).lower() for q in d.objs(n, RKG + "valueQualifier") if local_name(q.value) not in ("exact", "range")]
    return " ".join([*quals, text]) if text else None


def _period(d: Described, n: str) -> str | None:
    bits = [d.text(n, RKG + "period")]
    start, end = d.text(n, SCHEMA + "startDate"), d.text(n, SCHEMA + "endDate")
    if start or end:
        bits.append(f"{start or '…'} – {end or '…'}")
    months = d.text(n, RKG + "durationMonths")
    if months:
        bits.append(f"{months} {'mois' if d.lang == 'fr' else 'months'}")
    return "; ".join(b for b in bits if b) or None


def booklet_order(items: list[dict]) -> list[dict]:
    """Nodes in the order of the booklet: first section (page, lines) they derive from, then IRI."""
    return sorted(items, key=lambda i: ([(s["first"], s["line"]) for s in i["sources"]][:1], i["iri"]))


def _node(d: Described, n: str) -> dict:
    return {"iri": n, "href": href(n), "notes": d.notes(n), "sources": d.sources(n),
            "description": d.text(n, RKG + "description", RKG + "purpose")}


def indicator(d: Described, i: str) -> dict:
    return _node(d, i) | {"label": d.label(ox.NamedNode(i)),
                          "value": quantity(d, i, "value", "minValue", "maxValue", False),
                          "unit": d.text(i, RKG + "unit"), "date": d.text(i, RKG + "refDate"), "about": _links(d, i, "about")}


def statement(d: Described, n: str) -> dict:
    return _node(d, n) | {
        "category": _links(d, n, "category"), "when": d.text(n, RKG + "when"), "period": _period(d, n),
        "technologies": _links(d, n, "usesTechnology"), "mentions": _links(d, n, "mentions"),
        "urls": [d.link(u) for u in d.objs(n, SCHEMA + "url")],
        "indicators": [indicator(d, i) for i in d.iris(n, RKG + "hasIndicator")]}


def funding(d: Described, n: str) -> dict:
    share = d.text(n, RKG + "share")
    return _node(d, n) | {
        "funder": _links(d, n, "funder"), "intermediary": _links(d, n, "intermediary"),
        "recipient": _links(d, n, "recipient"), "programme": _links(d, n, "programme"), "level": _links(d, n, "level"),
        "kind": _links(d, n, "fundingKind"), "status": _links(d, n, "fundingStatus"),
        "amount": quantity(d, n, "amount", "minAmount", "maxAmount", True), "frequency": _links(d, n, "frequency"),
        "share": percent(share, d.lang) if share else None, "share_of": _links(d, n, "shareOf"),
        "breakdown_of": _links(d, n, "breakdownOf"), "period": _period(d, n), "purpose": d.text(n, RKG + "purpose")}


def budget(d: Described, n: str) -> dict:
    return _node(d, n) | {"kind": _links(d, n, "budgetKind"), "amount": quantity(d, n, "amount", "minAmount", "maxAmount", True),
                          "frequency": _links(d, n, "frequency"), "period": _period(d, n), "purpose": d.text(n, RKG + "purpose")}


def animation(d: Described, n: str) -> dict:
    return _node(d, n) | {"mode": _links(d, n, "animationMode"), "by": _links(d, n, "animatedBy"),
                          "fte": quantity(d, n, "fte", "minFte", "maxFte", False)}


def experience(d: Described, x: str) -> dict:
    """Everything the experience page shows, each fact with its booklet sources."""
    roles = []
    for n in d.iris(x, RKG + "hasActorRole"):
        types = sorted((d.link(r) for r in d.objs(n, RKG + "roleType")), key=lambda r: (not r["href"].endswith("/carrier"), r["text"].lower()))
        roles.append(_node(d, n) | {"agent": _links(d, n, "agent"), "roles": types})
    roles.sort(key=lambda r: ([(not x["href"].endswith("/carrier"), x["text"].lower()) for x in r["roles"]], [a["text"] for a in r["agent"]]))
    statements = {k: booklet_order([statement(d, n) for n in d.iris(x, RKG + p)]) for p, k in STATEMENTS}
    statements["milestones"].sort(key=lambda s: (s["when"] is None, s["when"] or ""))
    chapter = next(iter(d.iris(x, RKG + "chapter")), None)
    return {
        "iri": x, "title": d.text(x, DCT + "title"), "label": d.label(ox.NamedNode(x)),
        "summary": d.text(x, RKG + "summary"), "number": d.text(x, RKG + "bookletNumber"),
        "chapter": d.section(chapter) if chapter else None,
        "start": d.text(x, SCHEMA + "startDate") or d.text(x, RKG + "startYear"),
        "status": _links(d, x, "status"), "scale": _links(d, x, "scale"), "themes": _links(d, x, "theme"),
        "websites": [d.link(u) for u in d.objs(x, SCHEMA + "url")], "technologies": _links(d, x, "usesTechnology"),
        "territories": [d.territory(t) for t in d.iris(x, RKG + "territory")],
        "notes": d.notes(x), "sources": d.sources(x),
        "roles": roles,
        "funding": booklet_order([funding(d, n) for n in d.iris(x, RKG + "hasFundingLine")]),
        "budgets": booklet_order([budget(d, n) for n in d.iris(x, RKG + "hasBudget")]),
        "animation": booklet_order([animation(d, n) for n in d.iris(x, RKG + "hasAnimation")]),
        **statements,
    }

