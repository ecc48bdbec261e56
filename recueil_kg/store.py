"""The embedded store: the built dataset loaded into pyoxigraph for fast SPARQL."""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pyoxigraph as ox

from .dataset import build, write_dataset
from .errors import RecueilError

SOURCE_GLOBS = ("ontology/**/*.ttl", "ontology/**/*.rq", "data/**/*.ttl", "data/**/*.tsv", "data/**/*.json")


def fingerprint(root: Path, data_dir: Path | None = None) -> str:
    h = hashlib.sha256()
    files = []
    for pattern in SOURCE_GLOBS:
        base = root
        if data_dir is not None and pattern.startswith("data/"):
            base, pattern = data_dir, pattern[len("data/"):]
        files += [p for p in base.glob(pattern) if p.is_file()]
    for p in sorted(set(files)):
        h.update(str(p).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def ensure_built(root: Path, build_dir: Path, data_dir: Path | None = None) -> Path:
    """Return build/dataset.trig, rebuilding it when a source changed since the last build."""
    target = build_dir / "dataset.trig"
    manifest = build_dir / "manifest.json"
    fp = fingerprint(root, data_dir)
    if target.exists() and manifest.exists():
        try:
            if json.loads(manifest.read_text())["fingerprint"] == fp:
                return target
        except (ValueError, KeyError):
            pass
    built = build(root, data_dir)
    write_dataset(built, build_dir)
    write_manifest(build_dir, fp, built)
    return target


def write_manifest(build_dir: Path, fp: str, built) -> None:
    info = {"fingerprint": fp, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": {"ontology": len(built.ontology), "asserted": len(built.asserted),
                        "reference": len(built.reference), "inferred": len(built.inferred)},
            "timings_s": {k: round(v, 3) for k, v in built.timings.items()}}
    tmp = build_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(info, indent=1))
    tmp.replace(build_dir / "manifest.json")


def load_store(trig: Path) -> ox.Store:
    store = ox.Store()
    try:
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    except (OSError, SyntaxError, ValueError) as e:
        raise RecueilError(f"cannot load the built dataset: {e}", where=str(trig)) from None
    return store


def ensure_store(root: Path, build_dir: Path, data_dir: Path | None = None) -> Path:
    """Return build/store, an on-disk pyoxigraph store of the built dataset, rebuilt when stale."""
    import shutil

    trig = ensure_built(root, build_dir, data_dir)
    target = build_dir / "store"
    stamp = target / "SOURCE_FINGERPRINT"
    fp = json.loads((build_dir / "manifest.json").read_text())["fingerprint"]
    if stamp.exists() and stamp.read_text() == fp:
        return target
    tmp = build_dir / f".store-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    store = ox.Store(str(tmp))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    (tmp / "SOURCE_FINGERPRINT").write_text(fp)
    old = build_dir / f".store-old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def served_store(cfg: dict) -> Path:
    """The on-disk store the embedded backend serves: RECUEIL_STORE_PATH when set (it must be a store
    directory), else build/store, built or rebuilt here when a source changed."""
    if cfg["STORE_PATH"]:
        if not cfg["STORE_PATH"].is_dir():
            raise RecueilError("not a store directory", where=f"RECUEIL_STORE_PATH={cfg['STORE_PATH']}")
        return cfg["STORE_PATH"]
    return ensure_store(cfg["ROOT"], cfg["BUILD_DIR"], cfg["DATA_DIR"] if cfg["DATA_DIR"] != cfg["ROOT"] / "data" else None)
