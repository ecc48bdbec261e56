"""Result media types, content negotiation (one place) and capped serialisation of query results.

SELECT/ASK results are written by the small serialisers below (they must stop at the row cap, which
pyoxigraph's own serialiser cannot); graph results go through pyoxigraph.serialize.
"""
from __future__ import annotations

import json
import re
from io import BytesIO
from json.encoder import encode_basestring as _esc
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .errors import RecueilError

SOLUTION_TYPES = {  # media type -> short name
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
         "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
         "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml", "nquads": "application/n-quads", "trig": "application/trig"}
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
GRAPH_FORMAT_ALIASES = {"xml": "rdfxml", "rdf+xml": "rdfxml", "rdf/xml": "rdfxml", "json": "jsonld", "n3": "turtle"}
FORMAT_ALIASES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
                  "turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "nt": "ntriples", "jsonld": "jsonld",
                  "json-ld": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml", "nquads": "nquads", "nq": "nquads", "trig": "trig"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (stable for ties)."""
    if not header:
        return [("*/*", 1.0)]
    out = []
    for i, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(b[2:])))
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def negotiate(kind: str, accept: str | None, format_param: str | None) -> str:
    """Pick the short format name for a result kind ('solutions' or 'graph')."""
    table = SOLUTION_TYPES if kind == "solutions" else GRAPH_TYPES
    if format_param:
        name = format_param.lower().strip()
        fmt = (GRAPH_FORMAT_ALIASES if kind == "graph" else {}).get(name) or FORMAT_ALIASES.get(name) or table.get(name)
        if fmt in table.values():
            return fmt
        if not accept or accept.strip() == "*/*":
            choices = sorted({v for v in table.values()})
            raise RecueilError(f"format {format_param!r} does not fit this result; use one of {', '.join(choices)}", status=406)
        # an unknown or unfitting format name (as some clients send) falls back to the Accept header
    default = "json" if kind == "solutions" else "turtle"
    for media, _q in parse_accept(accept):
        if media in ("*/*", "application/*") or (kind == "graph" and media == "text/*"):
            return default
        if media in table:
            return table[media]
        if media == "text/*" and kind == "solutions":
            return "csv"
    raise RecueilError(f"none of the accepted media types ({accept}) can carry this result; offered: {', '.join(sorted(table))}", status=406)


# ------------------------------------------------------------------ counting rows of a serialised answer

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_ROW = re.compile(rb"[\[,]\{")


def count_rows(body: bytes, fmt: str) -> int:
    """Solutions in a SPARQL results document (JSON, XML or TSV), counted without parsing terms.

    JSON: a solution is the only object that follows '[' or ',' (terms follow ':'), and a quote in
    a value is always escaped; XML: <result> elements (markup in values is escaped); TSV: lines after the header
    (values escape their line breaks).
    """
    if fmt == "json":
        if b"{}" not in body:
            # a quote inside a JSON string is always escaped, so '[{"' and ',{"' are structure
            return body.count(b'[{"') + body.count(b',{"')
        return len(_JSON_ROW.findall(_JSON_STRING.sub(b'""', body)))  # empty solutions: the exact, slower way
    if fmt == "xml":
        return body.count(b"<result>") + body.count(b"<result/>")
    if fmt == "tsv":
        return body.count(b"\n") - 1
    raise RecueilError(f"cannot count rows of {fmt!r}")


def with_report(body: bytes, extra: dict) -> bytes:
    """A SPARQL JSON results document with the "recueil" report member put before "results":
    streaming parsers (pyoxigraph's among them, hence Oxigraph's SERVICE) stop reading after the
    bindings and refuse anything that follows them. Variable names hold no quote, so the first
    ',"results":' is the member's."""
    at = body.index(b',"results":')
    return body[:at] + b',"recueil":' + json.dumps(extra, ensure_ascii=False, separators=(",", ":")).encode() + body[at:]


# ------------------------------------------------------------------ term encodings

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_text(t, memo: dict) -> str:
    """A term as SPARQL JSON text, written directly (C string escaping; each distinct term once)."""
    text = memo.get(t)
    if text is None:
        kind = type(t)
        if kind is ox.NamedNode:
            text = '{"type":"uri","value":' + _esc(t.value) + "}"
        elif kind is ox.Literal:
            if t.language:
                text = '{"type":"literal","value":' + _esc(t.value) + ',"xml:lang":' + _esc(t.language) + "}"
            elif t.datatype.value != XSD_STRING:
                text = '{"type":"literal","value":' + _esc(t.value) + ',"datatype":' + _esc(t.datatype.value) + "}"
            else:
                text = '{"type":"literal","value":' + _esc(t.value) + "}"
        else:  # blank nodes, quoted triples
            text = json.dumps(_json_term(t), ensure_ascii=False, separators=(",", ":"))
        memo[t] = text
    return text


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate), "object": _json_term(t.object)}}
    return {"type": "literal", "value": str(t)}


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def _csv_cell(t) -> str:
    if t is None:
        return ""
    v = t.value if isinstance(t, (ox.NamedNode, ox.Literal)) else ("_:" + t.value if isinstance(t, ox.BlankNode) else str(t))
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


_TSV_SHORT = {  # literals TSV may write bare: only where Turtle would read them back with their datatype
    "http://www.w3.org/2001/XMLSchema#integer": re.compile(r"[+-]?[0-9]+"),
    "http://www.w3.org/2001/XMLSchema#decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    "http://www.w3.org/2001/XMLSchema#double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
    "http://www.w3.org/2001/XMLSchema#boolean": re.compile(r"true|false"),
}


def _tsv_cell(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.Literal) and not t.language:
        short = _TSV_SHORT.get(t.datatype.value)
        if short is not None and short.fullmatch(t.value):
            return t.value  # Turtle's short form reads back as the same datatype
    return str(t).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def serialize_solutions(variables: list[str], rows: list[list], fmt: str, extra: dict | None = None) -> bytes:
    if fmt == "json":
        memo, keys = {}, [_esc(v) + ":" for v in variables]
        bindings = ",".join("{" + ",".join(k + _json_text(t, memo) for k, t in zip(keys, row) if t is not None) + "}"
                            for row in rows)
        body = ('{"head":{"vars":[' + ",".join(_esc(v) for v in variables) + ']},"results":{"bindings":['
                + bindings + "]}}").encode()
        return body if extra is None else with_report(body, extra)
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>")
        return "".join(out).encode()
    if fmt in ("csv", "tsv"):
        cell, sep, end = (_csv_cell, ",", "\r\n") if fmt == "csv" else (_tsv_cell, "\t", "\n")
        memo = {None: ""}
        lines = [sep.join(variables if fmt == "csv" else ["?" + v for v in variables])]
        lines += [sep.join([memo[t] if t in memo else memo.setdefault(t, cell(t)) for t in row]) for row in rows]
        return (end.join(lines) + end).encode()
    raise RecueilError(f"unknown result format {fmt!r}")


def serialize_boolean(value: bool, fmt: str, extra: dict | None = None) -> bytes:
    if fmt == "json":
        doc = {"head": {}, **({"recueil": extra} if extra is not None else {}), "boolean": value}
        return json.dumps(doc).encode()
    if fmt == "xml":
        return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{"true" if value else "false"}</boolean></sparql>'.encode()
    if fmt in ("csv", "tsv"):
        return ("_askResult\r\n" if fmt == "csv" else "?_askResult\n").encode() + (b"true" if value else b"false") + b"\n"
    raise RecueilError(f"unknown result format {fmt!r}")


def serialize_triples(triples: list, fmt: str, prefixes: dict | None = None) -> bytes:
    out = BytesIO()
    if fmt in ("nquads", "trig"):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    kwargs = {"prefixes": prefixes} if prefixes and fmt in ("turtle", "trig", "rdfxml") else {}
    ox.serialize(triples, out, format=RDF_FORMATS[fmt], **kwargs)
    return out.getvalue()
