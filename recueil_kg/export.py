"""`recueil-kg export`: the open-data release folder (RDF dumps, tidy CSV tables, dictionary, DCAT, VoID, checksums).

The release is written into a temporary sibling folder and renamed into place only when every file is
complete, so a failure never leaves a half-written release (the previous one, if any, stays). An
existing folder is replaced only if it is empty or a previous release (it holds the RELEASE_MARK file).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from .errors import RecueilError
from .namespaces import BASE, GRAPH_ASSERTED, GRAPH_ONTOLOGY, PREFIXES, dataset_graphs
from .store import ensure_built, load_store
from .tables import DICTIONARY_HEADER, TABLES, dictionary_markdown, dictionary_rows, table_rows, to_csv

RELEASE_MARK = ".recueil-release"
SUMS = "SHA256SUMS"
ALL_GRAPHS = [ox.NamedNode(g) for g in dataset_graphs()]
CURATED_GRAPHS = ALL_GRAPHS[:3]


def store_select(store: ox.Store, graphs: list[ox.NamedNode]):
    """A ``select(query) -> [{var: lexical value}]`` over the given graphs as default graph (and as named graphs)."""
    def select(query: str) -> list[dict]:
        results = store.query(query, default_graph=graphs, named_graphs=ALL_GRAPHS)
        names = [v.value for v in results.variables]
        return [{n: t.value for n, t in zip(names, row) if t is not None} for row in results]
    return select


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_version() -> str:
    try:
        from importlib.metadata import version

        return version("recueil-kg")
    except Exception:  # noqa: BLE001 - not installed as a distribution: no version to report
        return "0.0.0"


def is_release(path: Path) -> bool:
    return (path / RELEASE_MARK).is_file()


def release_info(path: Path) -> dict | None:
    """The mark of a release folder (source fingerprint, export time, version), or None."""
    try:
        return json.loads((path / RELEASE_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def release_files(path: Path) -> dict[str, dict]:
    """name -> {size, sha256} of the files a release lists in SHA256SUMS (and that exist)."""
    out: dict[str, dict] = {}
    try:
        lines = (path / SUMS).read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        digest, _, name = line.partition("  ")
        f = path / name
        if digest and name and "/" not in name and f.is_file():
            out[name] = {"size": f.stat().st_size, "sha256": digest}
    return out


def describe(select, base: str, files: dict, download_base: str, endpoint_url: str, root: Path, modified: str):
    """The DCAT graph (rdflib) of the dataset, from the graph and the file facts."""
    from .dcat import changelog_dates, coverage, dcat_graph

    dates = sorted(changelog_dates(root))
    return dcat_graph(base, coverage(select), files, download_base, endpoint_url, version=package_version(),
                      issued=dates[0] if dates else modified, modified=modified)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _dump(store: ox.Store, path: Path, fmt, graph: ox.NamedNode | None = None) -> None:
    tmp = path.with_name(path.name + ".part")
    kwargs = {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    store.dump(str(tmp), format=fmt, from_graph=graph, **kwargs)
    tmp.replace(path)


def write_release(store: ox.Store, trig: Path, root: Path, folder: Path, base: str, fingerprint: str | None) -> None:
    """Write every release file into ``folder`` (which must exist and be empty)."""
    _write(folder / "dataset.trig", trig.read_bytes())
    _dump(store, folder / "dataset.nq", ox.RdfFormat.N_QUADS)
    asserted = ox.NamedNode(str(GRAPH_ASSERTED))
    _dump(store, folder / "asserted.ttl", ox.RdfFormat.TURTLE, asserted)
    _dump(store, folder / "asserted.jsonld", ox.RdfFormat.JSON_LD, asserted)
    _dump(store, folder / "asserted.nt", ox.RdfFormat.N_TRIPLES, asserted)
    _dump(store, folder / "ontology.ttl", ox.RdfFormat.TURTLE, ox.NamedNode(str(GRAPH_ONTOLOGY)))
    try:
        _write(folder / "shapes.ttl", (root / "ontology" / "shapes.ttl").read_bytes())
    except OSError as e:
        raise RecueilError(f"cannot read the shapes: {e.strerror}", where=str(root / "ontology" / "shapes.ttl")) from None
    curated = store_select(store, CURATED_GRAPHS)
    for t in TABLES:
        _write(folder / f"{t.name}.csv", to_csv(t.header, table_rows(t, curated)))
    _write(folder / "data-dictionary.csv", to_csv(DICTIONARY_HEADER, dictionary_rows()))
    _write(folder / "data-dictionary.md", dictionary_markdown().encode("utf-8"))

    from .void import void_graph, void_stats

    everything = store_select(store, ALL_GRAPHS)
    downloads = base + "downloads/"
    void = void_graph(void_stats(everything, base), base, base + "sparql", [downloads + "dataset.trig", downloads + "dataset.nq"])
    _write(folder / "void.ttl", void.serialize(format="turtle").encode("utf-8"))
    files = {p.name: {"size": p.stat().st_size, "sha256": sha256(p)} for p in sorted(folder.iterdir())}
    today = dt.datetime.now(dt.UTC).date().isoformat()
    dcat = describe(everything, base, files, downloads, base + "sparql", root, today)
    _write(folder / "dcat.ttl", dcat.serialize(format="turtle").encode("utf-8"))
    sums = "".join(f"{sha256(p)}  {p.name}\n" for p in sorted(folder.iterdir()))
    _write(folder / SUMS, sums.encode("utf-8"))
    mark = {"fingerprint": fingerprint, "exported_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "version": package_version(), "base": base}
    _write(folder / RELEASE_MARK, json.dumps(mark, indent=1).encode("utf-8"))


def export(root: Path, out: Path, *, data_dir: Path | None = None, build_dir: Path | None = None, base: str = BASE) -> list[tuple[str, int]]:
    """Build (if stale) and write the release into ``out``; return [(file name, size)]."""
    root, out = root.resolve(), out.resolve()
    build_dir = (build_dir or root / "build").resolve()
    if out.exists() and not out.is_dir():
        raise RecueilError("the release path exists and is not a folder", where=str(out))
    if out.is_dir() and any(out.iterdir()) and not is_release(out):
        raise RecueilError(f"refusing to replace a folder that is not a recueil-kg release (no {RELEASE_MARK}); choose an empty or new folder",
                           where=str(out))
    if out == root or out in root.parents:
        raise RecueilError("the release folder cannot be the project folder or one of its parents", where=str(out))
    trig = ensure_built(root, build_dir, data_dir)
    try:
        fingerprint = json.loads((build_dir / "manifest.json").read_text())["fingerprint"]
    except (OSError, ValueError, KeyError):
        fingerprint = None
    store = load_store(trig)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        write_release(store, trig, root, tmp, base, fingerprint)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return [(p.name, p.stat().st_size) for p in sorted(out.iterdir()) if not p.name.startswith(".")]
