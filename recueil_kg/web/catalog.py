"""Open-data publication: /dataset (DCAT-AP), /.well-known/void (VoID) and /downloads (the release files).

The release folder is RELEASE_DIR (default BUILD_DIR/release), written by `recueil-kg export`; when it is
missing or older than the built dataset, the first request to /downloads writes it (under a lock).
Files are served only by their exact name as listed in the release's SHA256SUMS: no path reaches the
file system from a request.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, send_file

from ..errors import RecueilError
from ..results import GRAPH_TYPES, negotiate
from .errors import wants_html

bp = Blueprint("catalog", __name__)
_LOCK = threading.Lock()
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nt", "trig": "trig"}


def _ext() -> dict:
    return current_app.extensions["recueil"]


def release_dir() -> Path:
    cfg = _ext()["config"]
    return Path(cfg.get("RELEASE_DIR") or cfg["BUILD_DIR"] / "release")


def _build_fingerprint() -> str | None:
    try:
        return json.loads((_ext()["config"]["BUILD_DIR"] / "manifest.json").read_text())["fingerprint"]
    except (OSError, ValueError, KeyError):
        return None


def _fresh(folder: Path) -> bool:
    from ..export import release_info

    info = release_info(folder)
    if info is None:
        return False
    current = _build_fingerprint()
    return current is None or info.get("fingerprint") == current


def ensure_release() -> Path:
    """The release folder, written first if missing or stale (one writer at a time)."""
    from ..export import export

    folder = release_dir()
    if _fresh(folder):
        return folder
    cfg = _ext()["config"]
    with _LOCK:
        if not _fresh(folder):
            data = cfg["DATA_DIR"] if cfg["DATA_DIR"] != cfg["ROOT"] / "data" else None
            try:
                export(cfg["ROOT"], folder, data_dir=data, build_dir=cfg["BUILD_DIR"], base=cfg["BASE_IRI"])
            except (RecueilError, OSError) as e:
                raise RecueilError(f"the release could not be written ({e}); run `recueil-kg export`", status=503) from None
    return folder


def _cached(key: str, make):
    cache = _ext().setdefault("catalog_cache", {})
    with _LOCK:
        if key not in cache:
            cache[key] = make()
        return cache[key]


def _select(query: str) -> list[dict]:
    return _ext()["catalogue"].select(query, cap=1_000_000)


def _rdf_response(graph, fmt: str) -> Response:
    body = graph.serialize(format=RDFLIB_FORMATS[fmt])
    media = next(m for m, f in GRAPH_TYPES.items() if f == fmt)
    if fmt == "nquads":
        media = "application/n-quads"
    charset = "; charset=utf-8" if media.startswith("text/") or media in ("application/n-triples", "application/n-quads", "application/trig") else ""
    return Response(body.encode("utf-8") if isinstance(body, str) else body, content_type=media + charset, headers={"Vary": "Accept"})


def _modified(folder: Path) -> str:
    from ..export import release_info

    stamp = (release_info(folder) or {}).get("exported_at")
    if not stamp:
        try:
            stamp = json.loads((_ext()["config"]["BUILD_DIR"] / "manifest.json").read_text())["built_at"]
        except (OSError, ValueError, KeyError):
            stamp = None
    return stamp[:10] if stamp else dt.datetime.now(dt.UTC).date().isoformat()


def dataset_graph():
    from ..dcat import changelog_dates, coverage, dcat_graph
    from ..export import package_version, release_files

    cfg = _ext()["config"]
    folder = release_dir()
    cov = _cached("coverage", lambda: coverage(_select))
    dates = sorted(changelog_dates(cfg["ROOT"]))
    modified = _modified(folder)
    root_url = request.url_root
    graph = dcat_graph(cfg["BASE_IRI"], cov, release_files(folder), root_url + "downloads/", root_url + "sparql",
                       version=package_version(), issued=dates[0] if dates else modified, modified=modified)
    return graph, cov, modified


@bp.route("/dataset")
def dataset():
    from ..dcat import DISTRIBUTIONS, KEYWORDS
    from ..export import package_version, release_files

    graph, cov, modified = dataset_graph()
    if not request.values.get("format") and wants_html():
        return render_template("web/catalog/dataset.html", cov=cov, modified=modified, version=package_version(),
                               distributions=DISTRIBUTIONS, files=release_files(release_dir()), keywords=KEYWORDS,
                               base=_ext()["config"]["BASE_IRI"])
    return _rdf_response(graph, negotiate("graph", request.headers.get("Accept"), request.values.get("format")))


@bp.route("/.well-known/void")
def void():
    from ..void import void_graph, void_stats

    cfg = _ext()["config"]
    # A browser following the link gets the Turtle itself (readable as text), not a 406.
    fmt = "turtle" if not request.values.get("format") and wants_html() else negotiate("graph", request.headers.get("Accept"), request.values.get("format"))
    stats = _cached("void", lambda: void_stats(_select, cfg["BASE_IRI"]))
    root_url = request.url_root
    graph = void_graph(stats, cfg["BASE_IRI"], root_url + "sparql", [root_url + "downloads/dataset.trig", root_url + "downloads/dataset.nq"])
    return _rdf_response(graph, fmt)


def _listing(folder: Path) -> list[dict]:
    from ..dcat import DISTRIBUTIONS
    from ..export import SUMS, release_files

    meta = {d.name: d for d in DISTRIBUTIONS}
    rows = []
    for name, info in sorted(release_files(folder).items()):
        d = meta.get(name)
        rows.append({"name": name, "size": info["size"], "sha256": info["sha256"], "media_type": _media(name),
                     "title_fr": d.fr if d else ("Description DCAT-AP du jeu de données" if name == "dcat.ttl" else name),
                     "title_en": d.en if d else ("DCAT-AP description of the dataset" if name == "dcat.ttl" else name)})
    sums = folder / SUMS
    rows.append({"name": SUMS, "size": sums.stat().st_size, "sha256": None, "media_type": "text/plain",
                 "title_fr": "Sommes de contrôle SHA-256 (sha256sum -c SHA256SUMS)", "title_en": "SHA-256 checksums (sha256sum -c SHA256SUMS)"})
    return rows


def _media(name: str) -> str:
    from ..dcat import DISTRIBUTIONS

    for d in DISTRIBUTIONS:
        if d.name == name:
            return d.media
    return "text/turtle" if name.endswith(".ttl") else "text/plain"


@bp.route("/downloads")
@bp.route("/downloads/")
def downloads():
    folder = ensure_release()
    rows = _listing(folder)
    if wants_html():
        from ..export import release_info

        return render_template("web/catalog/downloads.html", rows=rows, info=release_info(folder) or {})
    return {"files": [{**r, "url": request.url_root + "downloads/" + r["name"]} for r in rows]}


@bp.route("/downloads/<path:name>")
def download(name: str):
    from ..export import SUMS, release_files

    folder = ensure_release()
    allowed = set(release_files(folder)) | {SUMS}
    if name not in allowed:
        raise RecueilError("no such file in the release; see /downloads", status=404)
    media = _media(name)
    if media in ("application/n-triples", "application/n-quads", "application/trig"):
        media += "; charset=utf-8"  # Flask adds the charset to text/* itself
    resp = send_file(folder / name, mimetype=media, download_name=name, conditional=True, max_age=300)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
