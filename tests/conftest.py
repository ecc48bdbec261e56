"""Shared fixtures: the project root, the sources, a built dataset and an embedded store (built once)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recueil_kg.dataset import build, merge
from recueil_kg.sources import read_sources

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sources():
    return read_sources(ROOT)


@pytest.fixture(scope="session")
def built():
    return build(ROOT)


@pytest.fixture(scope="session")
def base_graph(sources):
    """Everything but the experiences: ontology, concepts, shared actors, territories, sections, reference."""
    shared = [g for p, g in sources.data.items() if "experiences" not in p.parts]
    return merge([*sources.ontology.values(), *shared, sources.sections, sources.reference])


@pytest.fixture(scope="session")
def store(built, tmp_path_factory):
    from recueil_kg.dataset import write_dataset
    from recueil_kg.store import load_store

    out = tmp_path_factory.mktemp("build")
    return load_store(write_dataset(built, out))


@pytest.fixture(scope="session")
def app():
    """The web app on the real data with default settings, shared by the page and preset tests."""
    from recueil_kg.app import close_app, create_app

    app = create_app({"ROOT": str(ROOT)})
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def live_site(app):
    """`recueil-kg serve` on the real data, on 127.0.0.1, for real clients and the browser (the shared
    app built the store first: the server is given that store, so nothing builds it twice at once)."""
    from .live import LiveServer

    server = LiveServer({"STORE_PATH": app.extensions["recueil"]["backend"].path})
    yield server
    server.stop()


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A throw-away copy of ontology/ and data/ for tests that write or break files."""
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
