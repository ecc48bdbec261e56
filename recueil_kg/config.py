"""Settings: defaults, then RECUEIL_* environment variables, then the mapping a caller passes."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import RecueilError

DEFAULTS: dict = {
    "ROOT": ".",                     # project folder (ontology/, data/, queries/)
    "DATA_DIR": None,                # data folder; default ROOT/data
    "BUILD_DIR": None,               # where the built dataset and on-disk store live; default ROOT/build
    "RELEASE_DIR": None,             # where `recueil-kg export` writes and /downloads serves; default BUILD_DIR/release
    "HOST": "127.0.0.1",             # address `recueil-kg serve` listens on
    "PORT": 8000,                    # port `recueil-kg serve` listens on
    "BASE_IRI": "https://w3id.org/recueil-kg/",  # IRIs minted for resources
    "STORE": "embedded",             # embedded | remote
    "STORE_PATH": None,              # serve this existing on-disk pyoxigraph store instead of building one
    "REMOTE_QUERY_URL": None,        # SPARQL query endpoint of the remote store
    "REMOTE_TIMEOUT_MARGIN": 1.0,    # seconds added to the deadline for the remote round trip
    "DEADLINE": 10.0,                # seconds a query may run before it is stopped (503)
    "ROW_CAP": 10000,                # rows (or triples) returned at most; truncation is reported
    "WORKERS": 2,                    # query worker processes of the embedded store
    "MEMORY_QUADS": 500_000,         # each worker copies the store into memory when it holds at most this many quads (0: never)
    "CACHE_BYTES": 64 * 2**20,       # answers remembered by the embedded store, at most this many bytes (0: none)
    "MAX_QUERY_BYTES": 100_000,      # larger request bodies get 413
    "MAX_URL_BYTES": 16_384,         # longer URLs get 414
    "PROCESSES": 2,                  # HTTP server processes of `recueil-kg serve` (each with its own query workers)
    "THREADS": 4,                    # threads per HTTP server process that run the app
}
INT_KEYS = {"PORT", "ROW_CAP", "WORKERS", "MEMORY_QUADS", "CACHE_BYTES", "MAX_QUERY_BYTES", "MAX_URL_BYTES", "PROCESSES", "THREADS"}
FLOAT_KEYS = {"DEADLINE", "REMOTE_TIMEOUT_MARGIN"}


def load(overrides: dict | None = None, environ: dict | None = None) -> dict:
    cfg = dict(DEFAULTS)
    env = os.environ if environ is None else environ
    for key in DEFAULTS:
        if f"RECUEIL_{key}" in env:
            cfg[key] = env[f"RECUEIL_{key}"]
    cfg.update(overrides or {})
    for keys, kind in ((INT_KEYS, int), (FLOAT_KEYS, float)):
        for key in keys:
            try:
                cfg[key] = kind(cfg[key])
            except (TypeError, ValueError):
                raise RecueilError(f"expected {'an integer' if kind is int else 'a number'}, not {cfg[key]!r}", where=f"RECUEIL_{key}") from None
    root = Path(cfg["ROOT"]).resolve()
    cfg["ROOT"] = root
    cfg["DATA_DIR"] = Path(cfg["DATA_DIR"]).resolve() if cfg["DATA_DIR"] else root / "data"
    cfg["BUILD_DIR"] = Path(cfg["BUILD_DIR"]).resolve() if cfg["BUILD_DIR"] else root / "build"
    cfg["RELEASE_DIR"] = Path(cfg["RELEASE_DIR"]).resolve() if cfg["RELEASE_DIR"] else cfg["BUILD_DIR"] / "release"
    cfg["STORE_PATH"] = Path(cfg["STORE_PATH"]).resolve() if cfg["STORE_PATH"] else None
    if cfg["STORE"] not in ("embedded", "remote"):
        raise RecueilError(f"expected 'embedded' or 'remote', not {cfg['STORE']!r}", where="RECUEIL_STORE")
    if cfg["STORE"] == "remote" and not cfg["REMOTE_QUERY_URL"]:
        raise RecueilError("RECUEIL_STORE=remote needs the remote store's query URL", where="RECUEIL_REMOTE_QUERY_URL")
    return cfg
