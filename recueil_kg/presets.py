"""Preset queries: queries/*.rq files with a `#+ ` YAML header; the file name is the id everywhere.

Parameters are declared with a type and bound as RDF terms (pyoxigraph substitutions); a list of IRIs fills a `# VALUES ?name`
marker line with validated terms. LIMIT cannot be bound, so paging is a
header key (`page_size`) the server applies to the rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import yaml

from .errors import RecueilError
from .namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = {"iri", "iri-list", "string", "integer", "decimal", "date", "year"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Param:
    name: str
    type: str
    label: dict
    required: bool = False
    default: object = None
    scheme: str | None = None   # IRI of the concept scheme an IRI must belong to
    cls: str | None = None      # IRI of the class an IRI must be an instance of
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class Preset:
    id: str
    path: Path
    title: dict
    description: dict
    tags: list[str]
    query: str
    params: list[Param] = field(default_factory=list)
    page_size: int | None = None
    federated: bool = False
    form: str = "select"


def expand(value: str) -> str:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if re.match(r"^[A-Za-z][\w-]*:[^/]", value) and value.split(":", 1)[0] in PREFIXES:
        p, local = value.split(":", 1)
        return PREFIXES[p] + local
    return value


def _header(path: Path, text: str) -> dict:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    if not lines:
        raise RecueilError("no '#+' YAML header", where=str(path))
    try:
        meta = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RecueilError(f"bad YAML header: {getattr(e, 'problem', e)}", where=where) from None
    if not isinstance(meta, dict):
        raise RecueilError("the '#+' header must be a YAML mapping", where=str(path))
    return meta


def load_preset(path: Path) -> Preset:
    text = path.read_text(encoding="utf-8")
    meta = _header(path, text)
    pid = path.stem
    if meta.get("id", pid) != pid:
        raise RecueilError(f"header id {meta.get('id')!r} differs from the file name {pid!r}", where=str(path))
    if not ID_RE.match(pid):
        raise RecueilError("preset file names are lower-case words joined by hyphens", where=str(path))
    for key in ("title", "description"):
        if not isinstance(meta.get(key), dict) or not {"fr", "en"} <= set(meta[key]):
            raise RecueilError(f"header needs {key} in fr and en", where=str(path))
    params = []
    for name, spec in (meta.get("params") or {}).items():
        if not re.match(r"^[a-z][a-z0-9_]*$", name):
            raise RecueilError(f"parameter name {name!r} must be lower-case letters, digits and _", where=str(path))
        spec = spec or {}
        ptype = spec.get("type")
        if ptype not in TYPES:
            raise RecueilError(f"parameter {name}: type must be one of {sorted(TYPES)}", where=str(path))
        if f"?{name}" not in text and f"${name}" not in text:
            raise RecueilError(f"parameter {name} is not used as ?{name} in the query", where=str(path))
        if ptype == "iri-list" and not values_marker(name).search(text):
            raise RecueilError(f"list parameter {name} needs a '# VALUES ?{name}' marker line in the WHERE clause", where=str(path))
        params.append(Param(name=name, type=ptype, label=spec.get("label") or {"fr": name, "en": name},
                            required=bool(spec.get("required", False)), default=spec.get("default"),
                            scheme=expand(spec["scheme"]) if spec.get("scheme") else None,
                            cls=expand(spec["class"]) if spec.get("class") else None,
                            minimum=spec.get("min"), maximum=spec.get("max")))
    body = "\n".join(l for l in text.splitlines() if not l.startswith("#+"))
    words = re.findall(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.sub(r"#[^\n]*|<[^>]*>|\"[^\"]*\"", " ", body), re.IGNORECASE)
    form = {"select": "select", "ask": "ask"}.get(words[0].lower(), "graph") if words else "select"
    return Preset(pid, path, meta["title"], meta["description"], list(meta.get("tags") or []), body, params,
                  meta.get("page_size"), bool(meta.get("federated", False)), form)


def load_presets(folder: Path) -> dict[str, Preset]:
    if not folder.is_dir():
        raise RecueilError("preset folder not found", where=str(folder))
    presets = {}
    for path in sorted(folder.glob("*.rq")):
        p = load_preset(path)
        try:
            ox.Store().query(p.query) if not p.federated else None
        except SyntaxError as e:
            raise RecueilError(f"query does not parse: {e}", where=str(path)) from None
        except (OSError, RuntimeError, ValueError):
            pass
        presets[p.id] = p
    return presets


# ------------------------------------------------------------------ binding values

def _literal(value: str, dtype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + dtype))


def coerce(param: Param, raw) -> object:
    """Turn one request value into an RDF term (or a list of IRIs); RecueilError 400 names the parameter."""
    def bad(why: str):
        return RecueilError(f"parameter {param.name!r}: {why}", status=400)

    if param.type in ("iri", "iri-list"):
        items = raw if isinstance(raw, list) else [v for v in re.split(r"[,\s]+", str(raw)) if v] if param.type == "iri-list" else [raw]
        out = []
        for item in items:
            iri = expand(str(item))
            if param.scheme and not iri.startswith(("http://", "https://")):
                iri = param.scheme.replace("/id/scheme/", "/id/concept/").rstrip("/") + "/" + iri
            if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", iri):
                raise bad(f"{item!r} is not an IRI")
            out.append(ox.NamedNode(iri))
        if not out:
            raise bad("give at least one IRI")
        return out if param.type == "iri-list" else out[0]
    s = str(raw).strip()
    if param.type == "string":
        if len(s) > 500:
            raise bad("longer than 500 characters")
        return ox.Literal(s)
    if param.type == "integer" or param.type == "year":
        if not re.fullmatch(r"[+-]?\d{1,12}", s):
            raise bad(f"{s!r} is not an integer")
        n = int(s)
        if param.type == "year" and not 1000 <= n <= 2999:
            raise bad(f"{n} is not a four-digit year")
        _range(param, n, bad)
        return _literal(str(n), "integer")
    if param.type == "decimal":
        try:
            d = Decimal(s.replace(",", "."))
        except InvalidOperation:
            raise bad(f"{s!r} is not a number") from None
        if not d.is_finite():
            raise bad(f"{s!r} is not a finite number")
        _range(param, d, bad)
        return _literal(str(d), "decimal")
    if param.type == "date":
        try:
            return _literal(date.fromisoformat(s).isoformat(), "date")
        except ValueError:
            raise bad(f"{s!r} is not a date (YYYY-MM-DD)") from None
    raise bad("unknown type")


def _range(param, n, bad):
    if param.minimum is not None and n < param.minimum:
        raise bad(f"must be at least {param.minimum}")
    if param.maximum is not None and n > param.maximum:
        raise bad(f"must be at most {param.maximum}")


def bind(preset: Preset, values: dict) -> tuple[dict, list[tuple[str, list]]]:
    """Validate request values; return (substitutions, value lists) — membership is checked by the caller."""
    subs, lists = {}, []
    unknown = set(values) - {p.name for p in preset.params} - {"format", "page", "inferred", "lang"}
    if unknown:
        raise RecueilError(f"unknown parameter(s) {', '.join(sorted(unknown))} for preset {preset.id}", status=400)
    for p in preset.params:
        raw = values.get(p.name)
        if raw in (None, "", []):
            if p.required and p.default is None:
                raise RecueilError(f"parameter {p.name!r} is required", status=400)
            raw = p.default
            if raw is None:
                continue
        term = coerce(p, raw)
        if p.type == "iri-list":
            lists.append((p.name, term))
        else:
            subs[p.name] = term
    return subs, lists


def values_marker(name: str) -> re.Pattern:
    return re.compile(rf"^[ \t]*#[ \t]*VALUES[ \t]+\?{name}[ \t]*$", re.MULTILINE)


def with_values(query: str, lists: list[tuple[str, list]]) -> str:
    """Replace each `# VALUES ?name` marker line with a VALUES block of validated NamedNode terms.

    The block is written from pyoxigraph terms whose IRIs were checked against their concept scheme
    or class, never from request text.
    """
    for name, terms in lists:
        block = f"VALUES ?{name} {{ {' '.join(str(t) for t in terms)} }}"
        query, n = values_marker(name).subn(block, query, count=1)
        if n != 1:
            raise RecueilError(f"list parameter {name} has no '# VALUES ?{name}' marker in its query", status=500)
    return query
