"""Validate the data: SHACL shapes (pySHACL) and SPARQL violation queries, as one report object."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from .errors import RecueilError
from .namespaces import PREFIXES

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass
class Result:
    severity: str
    focus: str
    path: str | None
    message: str
    message_fr: str | None = None
    value: str | None = None
    shape: str | None = None
    source: str | None = None  # file:line where the focus node is written

    def line(self) -> str:
        where = self.source or "(graph)"
        bits = [f"[{self.severity.upper()}] {where}: {self.focus}"]
        if self.path:
            bits.append(f"path {self.path}")
        if self.value:
            bits.append(f"value {self.value}")
        return " ".join(bits) + f": {self.message}"


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(r.line() for r in self.results)

    def shapes_fired(self) -> set[str]:
        return {r.shape for r in self.results if r.shape}


def _short(g: Graph, node) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        for prefix, ns in PREFIXES.items():
            if str(node).startswith(ns) and len(str(node)) > len(ns):
                return prefix + ":" + str(node)[len(ns):]
        return str(node)
    return str(node)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def locate(node: URIRef, files: dict[Path, str], graphs: dict[Path, Graph]) -> str | None:
    """file:line where ``node`` is described (its first line as a subject), relative to the working folder."""
    for path, g in graphs.items():
        if (node, RDF.type, None) in g or (node, None, None) in g:
            text = files.get(path)
            if text is None:
                return _display(path)
            local = str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            for n, line in enumerate(text.splitlines(), start=1):
                if re.match(rf"^\S*[:/]{re.escape(local)}>?\s", line):
                    return f"{_display(path)}:{n}"
            return _display(path)
    return None


def validate(data: Graph, shapes: Graph, ontology: Graph, violations_dir: Path | None = None,
             sources: dict[Path, Graph] | None = None) -> Report:
    if shapes is None:
        raise RecueilError("no SHACL shapes found", where="ontology/shapes.ttl")
    work = Graph()
    work += data
    work += ontology
    for prefix, ns in PREFIXES.items():
        work.bind(prefix, ns, replace=True)
    _, results_graph, _ = shacl_validate(work, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    sources = sources or {}
    texts = {p: p.read_text(encoding="utf-8") for p in sources}
    results: list[Result] = []
    for r in results_graph.subjects(RDF.type, SH.ValidationResult):
        msgs = list(results_graph.objects(r, SH.resultMessage))
        en = next((str(m) for m in msgs if isinstance(m, Literal) and m.language == "en"), None)
        fr = next((str(m) for m in msgs if isinstance(m, Literal) and m.language == "fr"), None)
        plain = next((str(m) for m in msgs), "")
        focus = results_graph.value(r, SH.focusNode)
        source_shape = results_graph.value(r, SH.sourceShape)
        shape = _named_shape(shapes, source_shape)
        results.append(Result(
            severity=SEVERITY.get(results_graph.value(r, SH.resultSeverity), "Violation"),
            focus=_short(work, focus), path=_short(work, results_graph.value(r, SH.resultPath)),
            message=en or plain, message_fr=fr, value=_short(work, results_graph.value(r, SH.value)),
            shape=shape, source=locate(focus, texts, sources) if isinstance(focus, URIRef) else None))
    if violations_dir and violations_dir.is_dir():
        store = ox.Store()
        store.load(work.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        for q in sorted(violations_dir.glob("*-violation.rq")):
            try:
                rows = list(store.query(q.read_text(encoding="utf-8")))
            except SyntaxError as e:
                raise RecueilError(f"violation query does not parse: {e}", where=str(q)) from None
            for row in rows:
                focus = _rdflib(row["focus"])
                results.append(Result("Violation", _short(work, focus), _short(work, _rdflib(row["path"])),
                                      row["message"].value if row["message"] is not None else q.stem,
                                      value=_short(work, _rdflib(row["value"])), shape=q.stem,
                                      source=locate(focus, texts, sources) if isinstance(focus, URIRef) else None))
    results.sort(key=lambda r: (r.source or "", r.focus or "", r.path or ""))
    return Report(conforms=not any(r.severity == "Violation" for r in results), results=results)


def _named_shape(shapes: Graph, node) -> str | None:
    """The named NodeShape a (possibly blank) property shape belongs to."""
    seen = set()
    while node is not None and not isinstance(node, URIRef) and node not in seen:
        seen.add(node)
        parent = next(shapes.subjects(SH.property, node), None) or next(shapes.subjects(None, node), None)
        node = parent
    if node is None:
        return None
    return str(node).rsplit("#", 1)[-1]


def _rdflib(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value)
    return Literal(str(term))
