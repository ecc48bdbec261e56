"""Read the hand-written sources: Turtle files, the booklet's section index, the geographic extract.

Every read failure becomes a RecueilError naming the file (and line where the parser gives one).
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from .errors import RecueilError
from .namespaces import DCTERMS, GEO, ID, IGEO, PREFIXES, RKG, SECTION, SRC, TERR, WGS84

SECTION_TYPES = {  # key in sections.tsv -> section concepts
    "lead": ["lead"], "context": ["context"], "objectives": ["objectives"], "description": ["description"],
    "milestones": ["milestones"], "governance": ["governance"], "budget": ["budget"], "results": ["results"],
    "digital": ["digital"], "levers": ["levers"], "obstacles": ["obstacles"], "projects": ["projects"],
    "contacts": ["contacts"], "zoom": ["zoom"], "levers-attention": ["levers", "obstacles"],
    "attention-levers": ["obstacles", "levers"], "obstacles-levers": ["obstacles", "levers"],
    "lessons": ["introduction"], "funding-sources": ["introduction"], "contents": ["synthesis"], "synthesis": ["synthesis"],
}
BOOKLET = SRC["recueil-2018"]


@dataclass
class Sources:
    """The parsed sources, one graph per file so that errors and focus nodes name their file."""

    ontology: dict[Path, Graph] = field(default_factory=dict)
    data: dict[Path, Graph] = field(default_factory=dict)
    shapes: Graph | None = None
    sections: Graph = field(default_factory=Graph)
    reference: Graph = field(default_factory=Graph)

    def file_of(self, node: URIRef) -> Path | None:
        for path, g in self.data.items():
            if (node, RDF.type, None) in g:
                return path
        return None


def parse_turtle(path: Path, text: str | None = None) -> Graph:
    g = Graph()
    for k, v in PREFIXES.items():
        g.bind(k, v)
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except UnicodeDecodeError as e:
        raise RecueilError(f"not UTF-8 text ({e.reason} at byte {e.start})", where=str(path)) from None
    except OSError as e:
        raise RecueilError(f"cannot read: {e.strerror}", where=str(path)) from None
    except Exception as e:  # noqa: BLE001 - rdflib raises several types for syntax errors
        line = getattr(e, "lines", None)
        msg = str(e)
        m = re.search(r"at line (\d+)", msg)
        if line is None and m:
            line = int(m.group(1))
        first = msg.strip().splitlines()[0] if msg.strip() else type(e).__name__
        where = f"{path}:{line}" if line else str(path)
        raise RecueilError(f"Turtle syntax error: {first}", where=where) from None
    return g


def turtle_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise RecueilError("folder not found or not a directory", where=str(folder))
    return sorted(p for p in folder.rglob("*.ttl") if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def read_sections(path: Path) -> Graph:
    """The booklet's chapters and sections (data/sources/sections.tsv) as BookletPart nodes."""
    g = Graph()
    try:
        rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    except OSError as e:
        raise RecueilError(f"cannot read: {e.strerror}", where=str(path)) from None
    chapters: dict[str, dict] = {}
    for n, row in enumerate(rows, start=2):
        try:
            exp, key = row["experience"], row["section"]
            first, last, page = int(row["first_line"]), int(row["last_line"]), int(row["page_estimate"])
            types = SECTION_TYPES[key]
        except (KeyError, ValueError, TypeError) as e:
            raise RecueilError(f"bad row ({e})", where=f"{path}:{n}") from None
        node = SRC[f"{exp}.{key}"]
        g.add((node, RDF.type, RKG.BookletPart))
        g.add((node, DCTERMS.isPartOf, SRC[exp]))
        for t in types:
            g.add((node, RKG.sectionType, SECTION[t]))
        g.add((node, RKG.firstLine, Literal(first, datatype=XSD.positiveInteger)))
        g.add((node, RKG.lastLine, Literal(last, datatype=XSD.positiveInteger)))
        g.add((node, RKG.startPage, Literal(page, datatype=XSD.positiveInteger)))
        g.add((node, RDFS.label, Literal(f"{exp} — {key}")))
        ch = chapters.setdefault(exp, {"first": first, "last": last, "start": int(row["first_page"]), "end": int(row["last_page"])})
        ch["first"], ch["last"] = min(ch["first"], first), max(ch["last"], last)
    for exp, ch in chapters.items():
        node = SRC[exp]
        g.add((node, RDF.type, RKG.BookletPart))
        g.add((node, RKG.sectionType, SECTION.chapter))
        g.add((node, DCTERMS.isPartOf, BOOKLET))
        g.add((node, RKG.startPage, Literal(ch["start"], datatype=XSD.positiveInteger)))
        g.add((node, RKG.endPage, Literal(ch["end"], datatype=XSD.positiveInteger)))
        g.add((node, RKG.firstLine, Literal(ch["first"], datatype=XSD.positiveInteger)))
        g.add((node, RKG.lastLine, Literal(ch["last"], datatype=XSD.positiveInteger)))
        g.add((node, RDFS.label, Literal(f"{exp} (chapitre)")))
    return g


def _point(g: Graph, node: URIRef, point: dict | None) -> None:
    if not point:
        return
    lon, lat = Decimal(str(point["lon"])), Decimal(str(point["lat"]))
    g.add((node, WGS84.lat, Literal(lat, datatype=XSD.decimal)))
    g.add((node, WGS84.long, Literal(lon, datatype=XSD.decimal)))
    geom = URIRef(str(node) + "/geometry")
    g.add((node, GEO.hasGeometry, geom))
    g.add((geom, RDF.type, GEO.Geometry))
    g.add((geom, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))


def read_reference(path: Path, territories: Graph) -> Graph:
    """Facts from the frozen geographic extract for the French territories the data names.

    Territories are matched by their code (igeo:codeINSEE, rkg:siren); a code the extract lacks is an error.
    """
    try:
        ref = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RecueilError(f"cannot read the geographic extract: {e}", where=str(path)) from None
    year = Literal(ref["source"]["populationYear"], datatype=XSD.gYear)
    g = Graph()
    for node, code in territories.subject_objects(IGEO.codeINSEE):
        types = set(territories.objects(node, RDF.type))
        table = "communes" if types & {IGEO.Commune, IGEO.CommuneDeleguee} else "departements" if IGEO.Departement in types else "regions"
        rec = ref[table].get(str(code))
        if rec is None:
            raise RecueilError(f"code {code} of {node} is not in the extract's {table}", where=str(path))
        g.add((node, IGEO.nom, Literal(rec["nom"], lang="fr")))
        if table == "communes":
            g.add((node, RKG.departementCode, Literal(rec["departement"])))
            g.add((node, RKG.regionCode, Literal(rec["region"])))
        elif table == "departements":
            g.add((node, RKG.departementCode, Literal(rec["code"])))
            g.add((node, RKG.regionCode, Literal(rec["region"])))
        else:
            g.add((node, RKG.regionCode, Literal(rec["code"])))
        if rec.get("population"):
            g.add((node, RKG.legalPopulation, Literal(rec["population"], datatype=XSD.integer)))
            g.add((node, RKG.populationYear, year))
        _point(g, node, rec.get("point"))
    for node, siren in territories.subject_objects(RKG.siren):
        rec = ref["epci"].get(str(siren))
        if rec is None:
            raise RecueilError(f"SIREN {siren} of {node} is not in the extract's EPCI", where=str(path))
        g.add((node, RKG.officialName, Literal(rec["nom"], lang="fr")))
        if rec.get("population"):
            g.add((node, RKG.legalPopulation, Literal(rec["population"], datatype=XSD.integer)))
            g.add((node, RKG.populationYear, year))
        _point(g, node, rec.get("point"))
    return g


def read_sources(root: Path, data_dir: Path | None = None) -> Sources:
    """Parse ontology/, data/ and their companions under ``root``."""
    data_dir = data_dir or root / "data"
    src = Sources()
    onto_dir = root / "ontology"
    for p in turtle_files(onto_dir):
        if p.name == "shapes.ttl":
            src.shapes = parse_turtle(p)
        else:
            src.ontology[p] = parse_turtle(p)
    for p in turtle_files(data_dir):
        src.data[p] = parse_turtle(p)
    src.sections = read_sections(data_dir / "sources" / "sections.tsv")
    territories = Graph()
    for g in src.data.values():
        territories += g
    src.reference = read_reference(data_dir / "reference" / "insee-extract.json", territories)
    return src


__all__ = ["BOOKLET", "ID", "TERR", "Sources", "parse_turtle", "read_sources", "turtle_files"]
