"""Preset queries as pages and API operations: /queries and /queries/<id>[.json|.csv|.tsv|.xml]."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..errors import RecueilError
from ..presets import Param, Preset, bind, with_values
from ..results import negotiate
from ..workers import encode_term
from .endpoint import result_response, run
from .errors import wants_html

bp = Blueprint("presets", __name__)
SUFFIXES = {"json": "json", "csv": "csv", "tsv": "tsv", "xml": "xml"}


def presets() -> dict[str, Preset]:
    return current_app.extensions["recueil"]["presets"]


def options(param: Param) -> dict[str, str]:
    cat = current_app.extensions["recueil"]["catalogue"]
    if param.scheme:
        return cat.scheme_members(param.scheme)
    if param.cls:
        return cat.instances(param.cls)
    return {}


def check_membership(param: Param, terms) -> None:
    cat = current_app.extensions["recueil"]["catalogue"]
    for t in terms if isinstance(terms, list) else [terms]:
        if param.scheme and t.value not in cat.scheme_members(param.scheme):
            raise RecueilError(f"parameter {param.name!r}: {t.value} is not a concept of the scheme {param.scheme}", status=400)
        if param.cls and not cat.is_instance(t.value, param.cls):
            raise RecueilError(f"parameter {param.name!r}: {t.value} is not a {param.cls}", status=400)


def execute(preset: Preset, values: dict, fmt: str) -> dict:
    subs, lists = bind(preset, values)
    by_name = {p.name: p for p in preset.params}
    for name, term in subs.items():
        check_membership(by_name[name], term)
    for name, terms in lists:
        check_membership(by_name[name], terms)
    query = with_values(preset.query, lists)
    page = values.get("page") or "1"
    if not str(page).isdigit() or int(page) < 1:
        raise RecueilError("parameter 'page' must be a positive integer", status=400)
    size = preset.page_size
    offset = (int(page) - 1) * size if size else 0
    include_inferred = str(values.get("inferred", "true")).lower() not in ("false", "0", "no", "off")
    return run(query, fmt, [], [], include_inferred, substitutions={k: encode_term(v) for k, v in subs.items()},
               offset=offset, cap=size, allow_federation=False)


@bp.route("/queries")
@bp.route("/queries.json", defaults={"as_json": True})
def index(as_json: bool = False):
    items = [{"id": p.id, "title": p.title, "description": p.description, "tags": p.tags, "federated": p.federated,
              "url": f"{request.host_url}queries/{p.id}",
              "params": [{"name": x.name, "type": x.type, "required": x.required, "default": x.default,
                          "scheme": x.scheme, "class": x.cls, "label": x.label} for x in p.params]}
             for p in presets().values()]
    if not as_json and wants_html():
        return render_template("web/queries.html", presets=presets().values())
    return {"presets": items}


@bp.route("/queries/<name>")
def show(name: str):
    pid, _, suffix = name.partition(".")
    preset = presets().get(pid)
    if preset is None:
        raise RecueilError(f"no preset query named {pid!r}; see /queries", status=404)
    if suffix and suffix not in SUFFIXES:
        abort(404)
    values = {k: (request.args.getlist(k) if any(p.name == k and p.type == "iri-list" for p in preset.params) else v)
              for k, v in request.args.items()}
    kind = "solutions" if preset.form in ("select", "ask") else "graph"
    if not suffix and "format" not in request.args and wants_html():
        values.pop("format", None)
        answer, error, rows = None, None, None
        try:
            import json
            answer = execute(preset, values, "json")
            rows = json.loads(answer["body"])
        except RecueilError as e:
            error = e
        # a federated preset is documented here but not run: the page itself is fine (200)
        status = error.status if error and not preset.federated else 200
        return render_template("web/query.html", preset=preset, values=values, options={p.name: options(p) for p in preset.params},
                               result=rows, answer=answer, error=error), status
    fmt = negotiate(kind, request.headers.get("Accept"), SUFFIXES.get(suffix) or request.args.get("format"))
    values.pop("format", None)
    return result_response(execute(preset, values, fmt), fmt)
