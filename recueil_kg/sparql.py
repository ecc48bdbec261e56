"""Run SPARQL on the embedded store and format results (table, CSV, TSV, JSON, XML)."""
from __future__ import annotations

import pyoxigraph as ox

from .errors import RecueilError
from .namespaces import PREFIXES, dataset_graphs

FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
           "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}


def default_graphs(include_inferred: bool) -> list[ox.NamedNode]:
    return [ox.NamedNode(g) for g in dataset_graphs(include_inferred)]


def run(store: ox.Store, query: str, include_inferred: bool = True, substitutions: dict | None = None):
    try:
        return store.query(query, default_graph=default_graphs(include_inferred),
                           named_graphs=default_graphs(True), substitutions=substitutions or None)
    except SyntaxError as e:
        raise RecueilError(f"SPARQL syntax error: {e}", status=400) from None
    except (OSError, ValueError, RuntimeError) as e:
        raise RecueilError(f"query failed: {e}", status=400) from None


def short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for p, ns in PREFIXES.items():
            if term.value.startswith(ns) and len(term.value) > len(ns):
                return f"{p}:{term.value[len(ns):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def as_table(results) -> str:
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    if not isinstance(results, ox.QuerySolutions):
        raise RecueilError("a CONSTRUCT or DESCRIBE query has no table; use --format turtle or ntriples")
    names = [v.value for v in results.variables]
    return format_table(names, [[short(sol[n]) for n in names] for sol in results])


def format_table(names: list[str], rows: list[list[str]]) -> str:
    """A plain-text table, cells cut at 80 characters, with the row count."""
    widths = [max([len(n)] + [min(len(r[i]), 80) for r in rows]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths)), "-+-".join("-" * w for w in widths)]
    for r in rows:
        lines.append(" | ".join((c if len(c) <= 80 else c[:77] + "...").ljust(w) for c, w in zip(r, widths)))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def serialize(results, fmt: str) -> bytes:
    if fmt == "table":
        return (as_table(results) + "\n").encode()
    if isinstance(results, ox.QueryTriples):
        rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}.get(fmt)
        if rdf is None:
            raise RecueilError(f"format {fmt!r} does not fit a graph result; use turtle or ntriples")
        return results.serialize(format=rdf)
    if fmt not in FORMATS:
        raise RecueilError(f"unknown format {fmt!r}; use table, csv, tsv, json or xml")
    return results.serialize(format=FORMATS[fmt])


def as_rows_table(doc: dict) -> str:
    """A text table from a SPARQL JSON results document."""
    if "boolean" in doc:
        return "true" if doc["boolean"] else "false"
    names = doc["head"]["vars"]
    rows = []
    for b in doc["results"]["bindings"]:
        cells = []
        for n in names:
            t = b.get(n)
            cells.append("" if t is None else short(ox.NamedNode(t["value"])) if t["type"] == "uri" else t["value"])
        rows.append(cells)
    return format_table(names, rows)
