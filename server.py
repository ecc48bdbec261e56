"""WSGI entry point: only builds the app (settings come from RECUEIL_* environment variables).

Run it with `recueil-kg serve`, or any WSGI server, e.g. `granian --interface wsgi --factory server:app_factory`.
"""
from recueil_kg.app import create_app


def app_factory():
    return create_app()
