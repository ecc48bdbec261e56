"""The Flask application factory. Nothing happens at import: create_app(config) builds everything."""
from __future__ import annotations

import atexit

from flask import Flask

from . import config as config_mod
from .backend import make_backend
from .presets import load_presets
from .web import api, catalog, endpoint, errors, explore, i18n, pages
from .web import presets as presets_bp
from .web.catalogue import Catalogue


def create_app(config: dict | None = None) -> Flask:
    cfg = config_mod.load(config)
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.update({f"RECUEIL_{k}": v for k, v in cfg.items()})
    app.config["MAX_CONTENT_LENGTH"] = cfg["MAX_QUERY_BYTES"]
    app.json.ensure_ascii = False
    backend = make_backend(cfg)
    atexit.register(backend.close)
    presets = load_presets(cfg["ROOT"] / "queries")
    app.extensions["recueil"] = {
        "config": cfg,
        "backend": backend,
        "presets": presets,
        "catalogue": Catalogue(backend, cfg),
    }
    errors.register(app)
    i18n.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(endpoint.bp)
    app.register_blueprint(presets_bp.bp)
    app.register_blueprint(api.bp)
    return app


def close_app(app: Flask) -> None:
    app.extensions["recueil"]["backend"].close()
