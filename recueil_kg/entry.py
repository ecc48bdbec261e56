"""New entries: scaffold an experience file, validate it with the whole graph, write it atomically."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rdflib import RDF

from .dataset import build, merge
from .errors import RecueilError
from .namespaces import EXP, RKG
from .sources import parse_turtle
from .validation import Report, validate

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def scaffold(exp_id: str, title: str, year: str) -> str:
    if not ID_PATTERN.match(exp_id):
        raise RecueilError(f"experience id {exp_id!r} must be lower-case words joined by hyphens (e.g. drive-local)")
    if not re.fullmatch(r"\d{4}", year):
        raise RecueilError(f"year {year!r} must have four digits")
    template = files("recueil_kg").joinpath("templates/experience.ttl").read_text(encoding="utf-8")
    return template.replace("{id}", exp_id).replace("{title}", title.replace('"', '\\"')).replace("{year}", year)


@dataclass
class AddOutcome:
    target: Path
    experience: str
    report: Report


def check_entry(root: Path, path: Path, data_dir: Path) -> AddOutcome:
    """Validate ``path`` together with the existing graph; raise RecueilError on any refusal."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise RecueilError(f"cannot read: {e.strerror}", where=str(path)) from None
    except UnicodeDecodeError:
        raise RecueilError("not UTF-8 text", where=str(path)) from None
    new = parse_turtle(path, text)
    exps = sorted(set(new.subjects(RDF.type, RKG.Experience)))
    if len(exps) != 1:
        raise RecueilError(f"an entry describes exactly one rkg:Experience; found {len(exps)}", where=str(path))
    exp = exps[0]
    if not str(exp).startswith(str(EXP)):
        raise RecueilError(f"the experience IRI must start with {EXP}", where=str(path))
    exp_id = str(exp)[len(str(EXP)):]
    if not ID_PATTERN.match(exp_id):
        raise RecueilError(f"experience id {exp_id!r} must be lower-case words joined by hyphens", where=str(path))
    target = data_dir / "experiences" / f"{exp_id}.ttl"
    if target.exists():
        raise RecueilError(f"experience {exp_id} already exists ({target})", where=str(path), exit_code=1, status=409)
    built = build(root, data_dir, reason=False)
    existing = built.data_graph()
    if (exp, None, None) in existing:
        raise RecueilError(f"experience {exp_id} is already in the graph", where=str(path), exit_code=1, status=409)
    clash = sorted({str(s) for s in new.subjects(RDF.type, None) if (s, RDF.type, None) in existing})
    if clash:
        raise RecueilError(f"the entry redefines {len(clash)} existing resource(s): {', '.join(clash[:5])}",
                           where=str(path), exit_code=1, status=409)
    report = validate(merge([existing, new]), built.sources.shapes, built.ontology,
                      root / "ontology" / "violations", {**built.sources.data, path: new})
    if not report.conforms:
        raise RecueilError(f"the entry does not conform to the shapes ({len(report.results)} result(s))",
                           where=str(path), exit_code=1, status=422, details={"report": report.text()})
    return AddOutcome(target, exp_id, report)


def write_new_file(target: Path, data: bytes) -> None:
    """Create ``target`` with ``data`` atomically; never overwrite, never leave a partial file.

    On Linux the bytes go to an unnamed O_TMPFILE inode, fsynced, then linked at ``target``: a
    process killed at any point leaves either nothing or the complete file. Elsewhere a hidden
    temporary file is written, fsynced and hard-linked (no-clobber), then removed.
    """
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o644)
        except OSError:
            fd = None
        if fd is not None:
            linked = False
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
                try:
                    os.link(f"/proc/self/fd/{fd}", target)
                    linked = True
                except FileExistsError:
                    raise RecueilError("target appeared meanwhile; nothing written", where=str(target), exit_code=1, status=409) from None
                except OSError:
                    pass  # /proc not usable here (some sandboxes): fall back below
            finally:
                os.close(fd)
            if linked:
                _fsync_dir(folder)
                return
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise RecueilError("target appeared meanwhile; nothing written", where=str(target), exit_code=1, status=409) from None
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def add(root: Path, path: Path, data_dir: Path) -> AddOutcome:
    outcome = check_entry(root, path, data_dir)
    write_new_file(outcome.target, path.read_bytes())
    return outcome
