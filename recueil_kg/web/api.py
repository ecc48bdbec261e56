"""The OpenAPI 3 description of the API (/openapi.json) and a browsable page (/api)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .presets import options

bp = Blueprint("api", __name__)
SCHEMA_OF = {"string": {"type": "string"}, "integer": {"type": "integer"}, "decimal": {"type": "number"},
             "date": {"type": "string", "format": "date"}, "year": {"type": "integer", "minimum": 1000, "maximum": 2999},
             "iri": {"type": "string", "format": "iri"}, "iri-list": {"type": "array", "items": {"type": "string", "format": "iri"}}}
ERROR = {"description": "Error (one shape for all errors)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
RESULTS = {"application/sparql-results+json": {}, "text/csv": {}, "text/tab-separated-values": {}, "application/sparql-results+xml": {}}


def document() -> dict:
    presets = current_app.extensions["recueil"]["presets"]
    paths = {
        "/sparql": {
            "get": {"operationId": "sparqlQuery", "summary": "SPARQL 1.1 query (GET)",
                    "parameters": [{"name": "query", "in": "query", "required": False, "schema": {"type": "string"}},
                                   {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                                   {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                                   {"name": "inferred", "in": "query", "schema": {"type": "boolean", "default": True}},
                                   {"name": "format", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "Results, or the Service Description without a query", "content": RESULTS},
                                  "400": ERROR, "403": ERROR, "406": ERROR, "414": ERROR, "503": ERROR}},
            "post": {"operationId": "sparqlQueryPost", "summary": "SPARQL 1.1 query (POST)",
                     "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
                                                 "application/sparql-query": {"schema": {"type": "string"}}}},
                     "responses": {"200": {"description": "Results", "content": RESULTS}, "400": ERROR, "403": ERROR, "413": ERROR, "503": ERROR}},
        },
        "/queries": {"get": {"operationId": "listPresets", "summary": "List the preset queries", "responses": {"200": {"description": "Presets"}}}},
    }
    for p in presets.values():
        params = []
        for x in p.params:
            schema = dict(SCHEMA_OF[x.type])
            opts = list(options(x)) if x.scheme else []
            if opts:
                if x.type == "iri-list":
                    schema["items"] = {"type": "string", "enum": opts}
                else:
                    schema["enum"] = opts
            if x.default is not None:
                schema["default"] = x.default
            params.append({"name": x.name, "in": "query", "required": x.required and x.default is None,
                           "description": x.label.get("en", x.name), "schema": schema,
                           **({"style": "form", "explode": True} if x.type == "iri-list" else {})})
        params.append({"name": "inferred", "in": "query", "schema": {"type": "boolean", "default": True}})
        if p.page_size:
            params.append({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}})
        paths[f"/queries/{p.id}"] = {"get": {
            "operationId": p.id.replace("-", "_"), "summary": p.title["en"], "description": p.description["en"],
            "tags": p.tags, "parameters": params,
            "responses": {"200": {"description": "Results", "content": RESULTS}, "400": ERROR, "403": ERROR, "404": ERROR, "503": ERROR}}}
    return {"openapi": "3.0.3",
            "info": {"title": "recueil-kg API", "version": "0.1.0",
                     "description": "SPARQL endpoint and preset queries over the knowledge graph of the Réseau Rural National's 2018 booklet of rural digital-development experiences."},
            "servers": [{"url": request.host_url.rstrip("/")}],
            "paths": paths,
            "components": {"schemas": {"Error": {"type": "object", "required": ["error", "message", "status"],
                                                 "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                                                "status": {"type": "integer"}, "where": {"type": "string"}}}}}}


@bp.route("/openapi.json")
def openapi():
    return document()


@bp.route("/api")
def api_page():
    return render_template("web/api.html", doc=document())
