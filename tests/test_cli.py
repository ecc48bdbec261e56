"""The command line: verbs, documented exit codes, and `add` that refuses bad entries without a trace."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from recueil_kg.cli import main

from .conftest import ROOT


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_shipped_data_conforms(capsys):
    assert main(["--root", str(ROOT), "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("conforms: 17 experiences")


def test_check_reports_a_nonconforming_entry(project_copy, capsys):
    f = project_copy / "data" / "experiences" / "usine-vivante.ttl"
    f.write_text(f.read_text(encoding="utf-8").replace("rkg:amount 56000 ;", "rkg:amount -56000 ;"), encoding="utf-8")
    assert main(["--root", str(project_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert "usine-vivante.ttl:" in err and "AmountShape" in err


def test_check_names_file_and_line_of_a_syntax_error(project_copy, capsys):
    f = project_copy / "data" / "experiences" / "oberbruck.ttl"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40] + " ]]] oops"
    f.write_text("\n".join(lines), encoding="utf-8")
    assert main(["--root", str(project_copy), "check"]) == 2
    err = capsys.readouterr().err
    assert "oberbruck.ttl:4" in err and "syntax" in err.lower() and "Traceback" not in err


def test_check_missing_data_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "check"]) == 2
    err = capsys.readouterr().err
    assert "[ERROR]" in err and "not found" in err


def test_usage_error_exit_code(capsys):
    assert main(["no-such-verb"]) == 2


@pytest.mark.parametrize("fmt,probe", [("table", "(1 row)"), ("csv", "n\r\n"), ("json", '"head"'), ("tsv", "?n")])
def test_query_formats(fmt, probe, capsys):
    assert main(["--root", str(ROOT), "query", "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/recueil-kg/def#Experience> }", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert probe in out and "17" in out


def test_query_syntax_error_is_reported(capsys):
    assert main(["--root", str(ROOT), "query", "SELECT WHERE {"]) == 2
    assert "SPARQL syntax error" in capsys.readouterr().err


def test_new_scaffold_then_add_dry_run(tmp_path, capsys):
    out = tmp_path / "drive-local.ttl"
    assert main(["new", "drive-local", "--title", "Un drive", "--year", "2019", "-o", str(out)]) == 0
    assert "exp:drive-local a rkg:Experience" in out.read_text(encoding="utf-8")
    assert main(["--root", str(ROOT), "add", "--dry-run", str(out)]) == 0
    assert "would add experience drive-local" in capsys.readouterr().out


def test_new_rejects_bad_id(capsys):
    assert main(["new", "Bad Id"]) == 2
    assert "lower-case" in capsys.readouterr().err


def test_add_writes_a_valid_entry(project_copy, tmp_path):
    entry = tmp_path / "entry.ttl"
    main(["new", "drive-local", "--title", "Un drive", "-o", str(entry)])
    assert main(["--root", str(project_copy), "add", str(entry)]) == 0
    target = project_copy / "data" / "experiences" / "drive-local.ttl"
    assert target.read_bytes() == entry.read_bytes()
    assert main(["--root", str(project_copy), "check"]) == 0


BAD_ENTRIES = {
    "syntax-error": ("exp:x a rkg:Experience ;;; ]", 2),
    "breaks-a-shape": ("REPLACE rkg:theme theme:proximity ; => rkg:theme tech:website ;", 1),
    "duplicate-experience": ("REPLACE exp:drive-local => exp:usine-vivante", 1),
    "redefines-existing-node": ("APPEND agent:departement-drome a rkg:Organisation .", 1),
}


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_add_refuses_bad_entries_and_leaves_data_untouched(case, project_copy, tmp_path, capsys):
    spec, code = BAD_ENTRIES[case]
    entry = tmp_path / "entry.ttl"
    main(["new", "drive-local", "--title", "Un drive", "-o", str(entry)])
    text = entry.read_text(encoding="utf-8")
    if spec.startswith("REPLACE "):
        old, new = spec[len("REPLACE "):].split(" => ")
        text = text.replace(old, new)
    elif spec.startswith("APPEND "):
        text += "\n" + spec[len("APPEND "):] + "\n"
    else:
        text = text.split("# New experience")[0] + spec
    entry.write_text(text, encoding="utf-8")
    before = tree_digest(project_copy / "data")
    assert main(["--root", str(project_copy), "add", str(entry)]) == code
    assert tree_digest(project_copy / "data") == before
    assert "[ERROR]" in capsys.readouterr().err


def test_add_killed_mid_write_leaves_no_file(project_copy, tmp_path, monkeypatch):
    """A failure after the bytes are written but before the link leaves nothing behind."""
    from recueil_kg import entry as entry_mod

    entry = tmp_path / "entry.ttl"
    main(["new", "drive-local", "--title", "Un drive", "-o", str(entry)])
    before = tree_digest(project_copy / "data")

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(entry_mod.os, "link", boom)
    assert main(["--root", str(project_copy), "add", str(entry)]) == 130
    assert tree_digest(project_copy / "data") == before
    assert not [p for p in (project_copy / "data").rglob("*") if p.name.startswith(".")]


def test_build_writes_dataset_and_manifest(project_copy, capsys):
    assert main(["--root", str(project_copy), "build"]) == 0
    manifest = json.loads((project_copy / "build" / "manifest.json").read_text())
    assert manifest["triples"]["inferred"] > 0 and manifest["triples"]["asserted"] > 5000
    assert (project_copy / "build" / "dataset.trig").stat().st_size > 100_000
    assert "reason" in capsys.readouterr().out
