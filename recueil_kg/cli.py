"""Command line: recueil-kg <verb>. Results on stdout, diagnostics on stderr.

Exit codes: 0 success (data conforms), 1 data does not conform or entry refused, 2 usage or load error.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rdflib import RDF

from .errors import RecueilError
from .namespaces import RKG


def _root(args) -> Path:
    return Path(args.root).resolve()


def _data_dir(args) -> Path:
    return Path(args.data).resolve() if args.data else _root(args) / "data"


def cmd_build(args) -> int:
    from .dataset import build, write_dataset
    from .store import fingerprint, write_manifest
    from .validation import validate

    root, data = _root(args), _data_dir(args)
    t0 = time.perf_counter()
    built = build(root, data)
    t1 = time.perf_counter()
    report = validate(built.data_graph(), built.sources.shapes, built.ontology, root / "ontology" / "violations", built.sources.data)
    t2 = time.perf_counter()
    if not report.conforms:
        print(report.text(), file=sys.stderr)
        print(f"[ERROR] the data does not conform ({len(report.results)} results); nothing written", file=sys.stderr)
        return 1
    out = Path(args.out).resolve() if args.out else root / "build"
    target = write_dataset(built, out)
    write_manifest(out, fingerprint(root, data if args.data else None), built)
    t3 = time.perf_counter()
    print(f"wrote {target}")
    print(f"triples: ontology {len(built.ontology)}, asserted {len(built.asserted)}, reference {len(built.reference)}, inferred {len(built.inferred)}")
    print(f"time: parse {built.timings['parse']:.2f}s, reason {built.timings['reason']:.2f}s, validate {t2 - t1:.2f}s, write {t3 - t2:.2f}s, total {t3 - t0:.2f}s")
    return 0


def cmd_check(args) -> int:
    from .dataset import build
    from .validation import validate

    root = _root(args)
    t0 = time.perf_counter()
    built = build(root, _data_dir(args), reason=False)
    report = validate(built.data_graph(), built.sources.shapes, built.ontology, root / "ontology" / "violations", built.sources.data)
    n = len(set(built.asserted.subjects(RDF.type, RKG.Experience)))
    if report.results:
        print(report.text(), file=sys.stderr)
    state = "conforms" if report.conforms else "does not conform"
    print(f"{state}: {n} experiences, {len(built.asserted)} asserted triples, {len(report.results)} results ({time.perf_counter() - t0:.2f}s)")
    return 0 if report.conforms else 1


def cmd_query(args) -> int:
    from .sparql import run, serialize
    from .store import ensure_built, load_store

    root = _root(args)
    store = load_store(ensure_built(root, root / "build", _data_dir(args) if args.data else None))
    if args.preset:
        return _run_preset(args, root, store)
    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as e:
            raise RecueilError(f"cannot read: {e.strerror}", where=args.file) from None
    elif args.query:
        text = args.query
    else:
        raise RecueilError("give a SPARQL query string, --file FILE or --preset ID")
    results = run(store, text, include_inferred=not args.asserted_only)
    sys.stdout.buffer.write(serialize(results, args.format))
    return 0


def _run_preset(args, root: Path, store) -> int:
    from .backend import LocalBackend
    from .guard import check_query
    from .presets import bind, load_presets, with_values
    from .web.catalogue import ALL_GRAPHS, Catalogue
    from .workers import encode_term

    presets = load_presets(root / "queries")
    preset = presets.get(args.preset)
    if preset is None:
        raise RecueilError(f"no preset named {args.preset!r}; known: {', '.join(presets)}")
    values: dict = {}
    for item in args.param or []:
        if "=" not in item:
            raise RecueilError(f"--param takes NAME=VALUE, not {item!r}")
        k, v = item.split("=", 1)
        values.setdefault(k, []).append(v)
    values = {k: (v if any(p.name == k and p.type == "iri-list" for p in preset.params) else v[-1]) for k, v in values.items()}
    subs, lists = bind(preset, values)
    backend = LocalBackend(store)
    cat = Catalogue(backend, {"ROW_CAP": 10**9, "DEADLINE": 0})
    by_name = {p.name: p for p in preset.params}
    for name, term in [*subs.items(), *lists]:
        param = by_name[name]
        for t in term if isinstance(term, list) else [term]:
            if param.scheme and t.value not in cat.scheme_members(param.scheme):
                raise RecueilError(f"parameter {name!r}: {t.value} is not a concept of {param.scheme}")
            if param.cls and not cat.is_instance(t.value, param.cls):
                raise RecueilError(f"parameter {name!r}: {t.value} is not a {param.cls}")
    query = with_values(preset.query, lists)
    check_query(query, allow_federation=args.allow_federation)
    fmt = {"table": "json"}.get(args.format, args.format)
    job = {"query": query, "format": fmt, "cap": 10**9, "default_graph": ALL_GRAPHS if not args.asserted_only else ALL_GRAPHS[:3],
           "named_graphs": ALL_GRAPHS, "substitutions": {k: encode_term(v) for k, v in subs.items()}}
    answer = backend.run(job, 0)
    if args.format == "table":
        import json

        from .sparql import as_rows_table

        doc = json.loads(answer["body"])
        sys.stdout.write(as_rows_table(doc) + "\n")
    else:
        sys.stdout.buffer.write(answer["body"])
    return 0


def cmd_new(args) -> int:
    from .entry import scaffold

    text = scaffold(args.id, args.title, args.year)
    if args.output:
        out = Path(args.output)
        if out.exists():
            raise RecueilError("file exists; choose another path", where=str(out))
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}; edit it, then run: recueil-kg add {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_add(args) -> int:
    from .entry import add, check_entry

    root = _root(args)
    path = Path(args.file)
    if args.dry_run:
        outcome = check_entry(root, path, _data_dir(args))
        print(f"would add experience {outcome.experience} as {outcome.target}")
        return 0
    outcome = add(root, path, _data_dir(args))
    print(f"added experience {outcome.experience} as {outcome.target}")
    return 0


def cmd_serve(args) -> int:
    from .serving import serve

    overrides = {"ROOT": str(_root(args))}
    if args.data:
        overrides["DATA_DIR"] = str(Path(args.data).resolve())
    if args.host:
        overrides["HOST"] = args.host
    if args.port:
        overrides["PORT"] = args.port
    return serve(overrides)


def cmd_push(args) -> int:
    from .push import push
    from .store import ensure_built

    root = _root(args)
    trig = ensure_built(root, root / "build", _data_dir(args) if args.data else None)
    for graph, n in push(trig, args.url, replace=not args.append):
        print(f"{graph}: {n} triples")
    return 0


def cmd_export(args) -> int:
    from . import config as config_mod
    from .export import export

    root = _root(args)
    out = Path(args.out) if args.out else root / "build" / "release"
    base = config_mod.load({"ROOT": str(root)})["BASE_IRI"]
    for name, size in export(root, out, data_dir=_data_dir(args) if args.data else None, base=base):
        print(f"{size:>10}  {name}")
    print(f"wrote the release into {out.resolve()}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="recueil-kg", description="Knowledge graph of rural digital-development experiences.")
    p.add_argument("--root", default=".", help="project folder holding ontology/ and data/ (default: .)")
    p.add_argument("--data", default=None, help="data folder (default: ROOT/data)")
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    b = sub.add_parser("build", help="parse, reason, validate and write build/dataset.trig")
    b.add_argument("--out", help="output folder (default: ROOT/build)")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="validate the data against the shapes (exit 0 conforms, 1 not, 2 load error)")
    c.set_defaults(func=cmd_check)
    q = sub.add_parser("query", help="run a SPARQL query on the built dataset")
    q.add_argument("query", nargs="?", help="SPARQL query text")
    q.add_argument("--file", "-f", help="read the query from FILE")
    q.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"])
    q.add_argument("--asserted-only", action="store_true", help="leave the inferred graph out")
    q.add_argument("--preset", help="run the preset query queries/PRESET.rq")
    q.add_argument("--param", action="append", metavar="NAME=VALUE", help="a preset parameter (repeat for several; lists repeat the name)")
    q.add_argument("--allow-federation", action="store_true", help="let a preset or query use SERVICE (reaches the network)")
    q.set_defaults(func=cmd_query)
    s = sub.add_parser("serve", help="run the web server (SPARQL endpoint, presets, API) under Granian")
    s.add_argument("--host", help="address to listen on (default RECUEIL_HOST or 127.0.0.1)")
    s.add_argument("--port", type=int, help="port (default RECUEIL_PORT or 8000)")
    s.set_defaults(func=cmd_serve)
    u = sub.add_parser("push", help="load the built dataset into a remote store with the SPARQL 1.1 Graph Store Protocol")
    u.add_argument("url", help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store")
    u.add_argument("--append", action="store_true", help="POST (add) instead of PUT (replace) each graph")
    u.set_defaults(func=cmd_push)
    x = sub.add_parser("export", help="write the open-data release: RDF dumps, CSV tables, data dictionary, DCAT, VoID, SHA256SUMS")
    x.add_argument("--out", help="release folder (default: ROOT/build/release); replaced atomically")
    x.set_defaults(func=cmd_export)
    n = sub.add_parser("new", help="scaffold a new experience file from the template")
    n.add_argument("id", help="experience id, lower-case words joined by hyphens")
    n.add_argument("--title", default="TODO titre", help="title of the experience")
    n.add_argument("--year", default="2018", help="start year (four digits)")
    n.add_argument("--output", "-o", help="write to this file instead of stdout")
    n.set_defaults(func=cmd_new)
    a = sub.add_parser("add", help="validate a new experience with the whole graph and write it into data/experiences/")
    a.add_argument("file", help="Turtle file describing one new experience")
    a.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    a.set_defaults(func=cmd_add)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    try:
        return args.func(args)
    except RecueilError as e:
        print(f"[ERROR] {e}", file=sys.stderr)
        if e.details.get("report"):
            print(e.details["report"], file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
