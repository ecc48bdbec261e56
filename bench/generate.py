"""Synthetic recueil-kg graph for the performance benchmarks (not a test: nothing here is asserted).

Every synthetic experience is an isomorphic copy of one of the real experiences (a "template",
drawn at random with a fixed seed): the same nodes of the same kinds (actor roles and their
agents, funding lines with programme/level/status/kind/amount, budgets, animations, statements
with their indicators, success factors with their categories, booklet sections…) and the same
predicates, with

* new IRIs for the experience, its nodes, its own agents and its booklet sections;
* concepts redrawn from the real concept schemes (data/concepts/*.ttl), scheme by scheme;
* territories redrawn from data/territories.ttl (same class: a commune for a commune…);
* new titles, start years, amounts, indicator values and page/line numbers.

Agents the real data shares between experiences (the State, the EU, a Région…) stay shared,
so that "experiences funded by the State" grows with the graph as it would.

The output is a TriG dataset with the named graphs of the real build: the real build
(build/dataset.trig: ontology, asserted, reference, inferred) plus, for every synthetic
experience, its asserted triples and the triples the build's OWL RL reasoner would add for it.
Those inferred triples are NOT computed by owlrl (far too slow at this size): they are the
template's own inferred triples (from the real build) mapped through the same substitution,
and rkg:inTerritory, which depends on the territory drawn, is recomputed as the territory and
all its ancestors through rkg:within. `--verify K` checks this against owlrl itself on K
experiences (ontology + real data + K synthetic experiences, reasoned as the build does).

The TriG file is then bulk-loaded into an on-disk pyoxigraph store.

    .venv/bin/python bench/generate.py                      # 100000 experiences
    .venv/bin/python bench/generate.py --experiences 1000   # smaller
    .venv/bin/python bench/generate.py --verify 4           # compare with owlrl, write nothing
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recueil_kg.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_REFERENCE, PREFIXES

BASE = "https://w3id.org/recueil-kg/"
RKG = PREFIXES["rkg"]
EXP, NODE, AGENT, SRC = PREFIXES["exp"], PREFIXES["node"], PREFIXES["agent"], PREFIXES["src"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_IN_SCHEME = PREFIXES["skos"] + "inScheme"
XSD = PREFIXES["xsd"]
G_ASSERTED, G_INFERRED = ox.NamedNode(str(GRAPH_ASSERTED)), ox.NamedNode(str(GRAPH_INFERRED))

# Concepts of these schemes keep the template's value (they carry the meaning of the structure:
# which section a statement comes from, whether an amount recurs, how exact a figure is, whether
# a funding line was granted); concepts of every other scheme are redrawn.
FIXED_SCHEMES = {"section", "frequency", "qualifier", "funding-status"}
P_REDRAW_CONCEPT = 0.7        # a concept of a redrawn scheme is replaced with this probability
P_REDRAW_OTHER_TERRITORY = 0.5  # territories other than the experience's own (where an agent is based…)
AMOUNT_PREDICATES = {RKG + p for p in ("amount", "minAmount", "maxAmount", "value", "minValue", "maxValue")}
LINE_PREDICATES = {RKG + "firstLine", RKG + "lastLine"}
PAGE_PREDICATES = {RKG + "startPage", RKG + "endPage"}
SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))  # longest namespace first


def ttl_iri(iri: str) -> str:
    """A TriG form of an IRI: a prefixed name where the local part is plainly safe, else <iri>."""
    for p, ns in PREFIX_ORDER:
        if iri.startswith(ns) and SAFE_LOCAL.match(iri[len(ns):]):
            return f"{p}:{iri[len(ns):]}"
    return f"<{iri}>"


def ttl_term(t) -> str:
    return ttl_iri(t.value) if isinstance(t, ox.NamedNode) else str(t)


def pct(s: str) -> str:
    return s.replace("%", "%%")


# ------------------------------------------------------------------ reading the real sources

def ensure_real_build(build_dir: Path) -> Path:
    """build_dir/dataset.trig, rebuilt by the app's own code when a source changed (as `recueil-kg build` does)."""
    from recueil_kg.store import ensure_built

    return ensure_built(ROOT, build_dir)


def read_schemes() -> tuple[dict[str, str], dict[str, list[str]]]:
    """concept IRI -> scheme short name, and scheme short name -> its concepts (data/concepts/*.ttl)."""
    concept_scheme: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "concepts").glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == SKOS_IN_SCHEME:
                concept_scheme[t.subject.value] = t.object.value.rstrip("/").rsplit("/", 1)[-1]
    members: dict[str, list[str]] = defaultdict(list)
    for c, s in sorted(concept_scheme.items()):
        members[s].append(c)
    return concept_scheme, dict(members)


def read_territories() -> tuple[dict[str, str], dict[str, list[str]]]:
    """territory IRI -> its class (data/territories.ttl), and class -> territories."""
    kind: dict[str, str] = {}
    for t in ox.parse(path=str(ROOT / "data" / "territories.ttl"), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == RDF_TYPE:
            kind.setdefault(t.subject.value, t.object.value)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for iri, k in sorted(kind.items()):
        by_kind[k].append(iri)
    return kind, dict(by_kind)


def ancestors(real: ox.Store) -> dict[str, list[str]]:
    """Territory -> every territory it lies within (rkg:within and its sub-properties, transitively),
    as the build's reasoner states it in the inferred graph."""
    out: dict[str, set[str]] = defaultdict(set)
    q = f"SELECT ?t ?a WHERE {{ ?t <{RKG}within> ?a }}"
    for r in real.query(q, use_default_graph_as_union=True):
        out[r["t"].value].add(r["a"].value)
    return {k: sorted(v) for k, v in out.items()}


# ------------------------------------------------------------------ templates

class Template:
    """One real experience compiled into two %-format strings (asserted and inferred triples, in
    TriG syntax) whose slots are filled for each synthetic copy."""

    def __init__(self, exp_iri: str):
        self.exp = exp_iri
        self.id = exp_iri[len(EXP):]
        self.concept_slots: list[tuple[str, str, str]] = []   # (slot, original IRI, scheme)
        self.territory_slots: list[tuple[str, str, bool]] = []  # (slot, original IRI, is the experience's own)
        self.literal_slots: list[tuple[str, str, ox.Literal]] = []  # (slot, kind, original literal)
        self.in_territory: list[tuple[str, str]] = []        # (subject text, territory slot)
        self.asserted = ""
        self.inferred = ""
        self.n_asserted = 0
        self.n_inferred = 0


def rename(iri: str, tid: str) -> str:
    """The template's own IRI, with the experience id turned into a %(sid)s slot, in TriG syntax."""
    for p in ("exp", "node", "src", "agent"):
        ns = PREFIXES[p]
        if iri.startswith(ns):
            local = iri[len(ns):]
            local = "\x00" + local[len(tid):] if local == tid or local.startswith(tid + ".") else "\x00." + local
            if SAFE_LOCAL.match(local.replace("\x00", "syn-000000")):
                text = f"{p}:{local}"
            else:
                text = f"<{ns}{local}>"
            return pct(text).replace("\x00", "%(sid)s")
    raise ValueError(iri)


def build_templates(real: ox.Store, concept_scheme: dict, territory_kind: dict) -> list[Template]:
    exps = sorted(q.subject.value for q in real.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(RKG + "Experience"), G_ASSERTED))
    # nodes reachable from each experience through node: IRIs
    closures: dict[str, set[str]] = {}
    agent_users: dict[str, set[str]] = defaultdict(set)
    for e in exps:
        seen, stack = {e}, [e]
        while stack:
            x = stack.pop()
            for q in real.quads_for_pattern(ox.NamedNode(x), None, None, G_ASSERTED):
                o = q.object
                if isinstance(o, ox.NamedNode):
                    if o.value.startswith(NODE) and o.value not in seen:
                        seen.add(o.value)
                        stack.append(o.value)
                    elif o.value.startswith(AGENT):
                        agent_users[o.value].add(e)
        closures[e] = seen
    templates = []
    for e in exps:
        tid = e[len(EXP):]
        path = ROOT / "data" / "experiences" / f"{tid}.ttl"
        defined = {t.subject.value for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
                   if t.predicate.value == RDF_TYPE and t.subject.value.startswith(AGENT)} if path.exists() else set()
        local_agents = {a for a in defined if agent_users.get(a, {e}) <= {e}}
        sections = {q.subject.value for q in real.quads_for_pattern(None, None, None, G_ASSERTED)
                    if q.subject.value.startswith(SRC) and (q.subject.value == SRC + tid or q.subject.value.startswith(SRC + tid + "."))}
        own = closures[e] | local_agents | sections
        templates.append(compile_template(real, e, tid, own, local_agents, sections, concept_scheme, territory_kind))
    return templates


def compile_template(real, e, tid, own, local_agents, sections, concept_scheme, territory_kind) -> Template:
    t = Template(e)
    slots: dict[tuple, str] = {}

    def slot(key: tuple, prefix: str) -> str:
        if key not in slots:
            slots[key] = f"{prefix}{len(slots)}"
        return slots[key]

    def term(o, subj: str, pred: str) -> str:
        if isinstance(o, ox.NamedNode):
            v = o.value
            if v in own:
                return rename(v, tid)
            if v in concept_scheme and concept_scheme[v] not in FIXED_SCHEMES:
                name = slot(("c", v), "c")
                if all(s != name for s, _, _ in t.concept_slots):
                    t.concept_slots.append((name, v, concept_scheme[v]))
                return f"%({name})s"
            if v in territory_kind:
                name = slot(("t", v), "t")
                if all(s != name for s, _, _ in t.territory_slots):
                    t.territory_slots.append((name, v, False))
                return f"%({name})s"
            return pct(ttl_iri(v))
        if isinstance(o, ox.Literal):
            kind = None
            if subj == e and pred in (RDFS_LABEL, PREFIXES["dcterms"] + "title"):
                kind = "title"
            elif subj in local_agents and pred == RDFS_LABEL:
                kind = "agent-label"
            elif pred == RKG + "startYear":
                kind = "year"
            elif pred == PREFIXES["schema"] + "startDate" and subj == e:
                kind = "start-date"
            elif o.datatype.value in (XSD + "decimal", XSD + "integer") and pred in AMOUNT_PREDICATES | {PREFIXES["schema"] + "value"}:
                kind = "amount"
            elif subj in sections and pred in LINE_PREDICATES:
                kind = "line"
            elif subj in sections and pred in PAGE_PREDICATES:
                kind = "page"
            if kind is None:
                return pct(str(o))
            # the same literal of the same subject shares its slot (rkg:value and its inferred schema:value)
            name = slot(("l", subj, kind, str(o)), "l")
            if all(s != name for s, _, _ in t.literal_slots):
                t.literal_slots.append((name, kind, o))
            return f"%({name})s"
        raise ValueError(f"unexpected term {o!r} in {e}")

    own_territory = set()
    for q in real.quads_for_pattern(ox.NamedNode(e), ox.NamedNode(RKG + "territory"), None, G_ASSERTED):
        own_territory.add(q.object.value)
    lines_a, lines_i = [], []
    for s in sorted(own):
        subj = rename(s, tid)
        for q in real.quads_for_pattern(ox.NamedNode(s), None, None, G_ASSERTED):
            p = q.predicate.value
            lines_a.append(f"{subj} {pct(ttl_iri(p))} {term(q.object, s, p)} .\n")
            if p == RKG + "territory":
                if q.object.value not in territory_kind:
                    raise ValueError(f"{e}: territory {q.object.value} is not in data/territories.ttl")
                t.in_territory.append((subj, slots[("t", q.object.value)]))
        for q in real.quads_for_pattern(ox.NamedNode(s), None, None, G_INFERRED):
            p = q.predicate.value
            if p == RKG + "inTerritory":
                continue  # recomputed from the territory drawn
            lines_i.append(f"{subj} {pct(ttl_iri(p))} {term(q.object, s, p)} .\n")
    t.territory_slots = [(n, v, v in own_territory) for n, v, _ in t.territory_slots]
    t.asserted, t.inferred = "".join(lines_a), "".join(lines_i)
    t.n_asserted, t.n_inferred = len(lines_a), len(lines_i)
    return t


# ------------------------------------------------------------------ instantiation

class Generator:
    def __init__(self, seed: int, build_dir: Path):
        self.rng = random.Random(seed)
        self.real = ox.Store()
        self.real.bulk_load(path=str(ensure_real_build(build_dir)), format=ox.RdfFormat.TRIG)
        self.concept_scheme, self.scheme_members = read_schemes()
        self.territory_kind, self.territories_by_kind = read_territories()
        self.ancestors = ancestors(self.real)
        self.templates = build_templates(self.real, self.concept_scheme, self.territory_kind)
        self.ttl = {}
        self.in_terr = ttl_iri(RKG + "inTerritory")
        for c in self.concept_scheme:
            self.ttl[c] = ttl_iri(c)
        for tr in self.territory_kind:
            self.ttl[tr] = ttl_iri(tr)
        # rkg:inTerritory objects of a territory: itself and all its ancestors
        self.closure = {tr: [self.ttl[tr]] + [ttl_iri(a) for a in self.ancestors.get(tr, [])] for tr in self.territory_kind}

    def literal(self, kind: str, o: ox.Literal, i: int, ctx: dict) -> str:
        r = self.rng
        if kind == "title":
            return str(ox.Literal(f"{o.value} — synthétique {i}", language=o.language)) if o.language else str(ox.Literal(f"{o.value} — synthétique {i}"))
        if kind == "agent-label":
            return str(ox.Literal(f"{o.value} #{i}", language=o.language)) if o.language else str(ox.Literal(f"{o.value} #{i}"))
        if kind == "year":
            return f'"{ctx["year"]}"^^xsd:gYear'
        if kind == "start-date":
            rest = o.value[4:]
            return f'"{ctx["year"]}{rest}"^^{ttl_iri(o.datatype.value)}'
        if kind == "amount":
            v = float(o.value)
            nv = v * r.lognormvariate(0.0, 0.6)
            text = str(round(nv)) if o.datatype.value == XSD + "integer" or float(v).is_integer() else f"{nv:.2f}"
            return f'"{text}"^^{ttl_iri(o.datatype.value)}'
        if kind == "page":
            return f'"{int(o.value) + ctx["page_offset"]}"^^xsd:positiveInteger'
        if kind == "line":
            return f'"{int(o.value) + ctx["page_offset"] * 50}"^^xsd:positiveInteger'
        raise ValueError(kind)

    def experience(self, i: int) -> tuple[str, str, int, int]:
        """The asserted and inferred TriG triples of synthetic experience i (and their counts)."""
        r = self.rng
        t = self.templates[r.randrange(len(self.templates))]
        d = {"sid": f"syn-{i:06d}"}
        for name, orig, scheme in t.concept_slots:
            d[name] = self.ttl[r.choice(self.scheme_members[scheme]) if r.random() < P_REDRAW_CONCEPT else orig]
        chosen = {}
        for name, orig, own in t.territory_slots:
            pool = self.territories_by_kind[self.territory_kind[orig]]
            new = r.choice(pool) if own or r.random() < P_REDRAW_OTHER_TERRITORY else orig
            chosen[name] = new
            d[name] = self.ttl[new]
        ctx = {"year": r.randint(1995, 2018), "page_offset": r.randint(0, 5000)}
        for name, kind, lit in t.literal_slots:
            d[name] = self.literal(kind, lit, i, ctx)
        asserted = t.asserted % d
        extra, n_extra = [], 0
        for subj_tmpl, tslot in t.in_territory:
            subj = subj_tmpl % d
            objs = self.closure[chosen[tslot]]
            extra.append(f"{subj} {self.in_terr} {' , '.join(objs)} .\n")
            n_extra += len(objs)
        inferred = t.inferred % d + "".join(extra)
        return asserted, inferred, t.n_asserted, t.n_inferred + n_extra

    def prefixes(self) -> str:
        return "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items())

    def write(self, n: int, out: Path, chunk: int = 200) -> dict:
        ga, gi = ttl_iri(str(GRAPH_ASSERTED)), ttl_iri(str(GRAPH_INFERRED))
        tmp = out.with_suffix(out.suffix + ".tmp")
        counts = {"asserted": 0, "inferred": 0}
        with open(tmp, "w", encoding="utf-8", buffering=8 << 20) as f:
            # the real build first, as it is (ontology, asserted, reference, inferred)
            buf = __import__("io").BytesIO()
            self.real.dump(buf, format=ox.RdfFormat.TRIG)
            f.write(buf.getvalue().decode("utf-8"))
            f.write("\n" + self.prefixes())
            for start in range(0, n, chunk):
                a_parts, i_parts = [], []
                for i in range(start, min(n, start + chunk)):
                    a, inf, na, ni = self.experience(i)
                    a_parts.append(a)
                    i_parts.append(inf)
                    counts["asserted"] += na
                    counts["inferred"] += ni
                f.write(f"{ga} {{\n{''.join(a_parts)}}}\n{gi} {{\n{''.join(i_parts)}}}\n")
                if start and start % (chunk * 50) == 0:
                    print(f"  {start} experiences written", file=sys.stderr, flush=True)
        tmp.replace(out)
        return counts


# ------------------------------------------------------------------ verification against owlrl

def verify(gen: Generator, k: int) -> int:
    """Reason with owlrl over ontology + real data + k synthetic experiences, as the build does, and
    compare with the inferred triples this generator writes. Returns the number of differences."""
    from rdflib import Dataset, Graph, URIRef

    from recueil_kg.reasoning import infer

    synth_a, synth_i = [], []
    for i in range(k):
        a, inf, _, _ = gen.experience(i)
        synth_a.append(a)
        synth_i.append(inf)
    text = gen.prefixes() + f"<{GRAPH_ASSERTED}> {{\n{''.join(synth_a)}}}\n<{GRAPH_INFERRED}> {{\n{''.join(synth_i)}}}\n"
    syn = Dataset()
    syn.parse(data=text, format="trig")
    real = Dataset()
    buf = __import__("io").BytesIO()
    gen.real.dump(buf, format=ox.RdfFormat.N_QUADS)
    real.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    g = lambda ds, name: ds.graph(URIRef(str(name)))
    ontology = Graph() + g(real, GRAPH_ONTOLOGY)
    data = Graph() + g(real, GRAPH_ASSERTED) + g(real, GRAPH_REFERENCE) + g(syn, GRAPH_ASSERTED)
    t0 = time.perf_counter()
    expected = set(infer(ontology, data))
    print(f"owlrl: {len(expected)} inferred triples in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    ours = set(g(real, GRAPH_INFERRED)) | set(g(syn, GRAPH_INFERRED))
    missing, extra = expected - ours, ours - expected
    for label, diff in (("missing (owlrl infers, generator does not write)", missing), ("extra (generator writes, owlrl does not infer)", extra)):
        by_p = defaultdict(int)
        for s, p, o in diff:
            by_p[str(p)] += 1
        print(f"{label}: {len(diff)}", *(f"  {p}: {n}" for p, n in sorted(by_p.items(), key=lambda kv: -kv[1])), sep="\n")
        for trip in sorted(diff, key=str)[:10]:
            print("   ", *trip)
    syn_count = len(set(g(syn, GRAPH_INFERRED)))
    print(f"synthetic inferred triples checked: {syn_count} for {k} experiences")
    return len(missing) + len(extra)


# ------------------------------------------------------------------ main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--experiences", "-n", type=int, default=100_000, help="synthetic experiences (default 100000)")
    ap.add_argument("--seed", type=int, default=2018, help="random seed (default 2018)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "data"), help="output folder (default bench/data)")
    ap.add_argument("--name", default="synthetic", help="base name of the TriG file and store (default synthetic)")
    ap.add_argument("--keep-trig", action="store_true", help="keep the TriG file after loading (it is large)")
    ap.add_argument("--no-load", action="store_true", help="write the TriG file only")
    ap.add_argument("--no-optimize", action="store_true", help="skip Store.optimize() after the bulk load")
    ap.add_argument("--build-dir", default=str(ROOT / "build"), help="folder of the real build (default build/)")
    ap.add_argument("--verify", type=int, metavar="K", help="check the inferred triples against owlrl on K experiences, write nothing")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    gen = Generator(args.seed, Path(args.build_dir).resolve())
    print(f"{len(gen.templates)} templates: " + ", ".join(f"{t.id} ({t.n_asserted}+{t.n_inferred})" for t in gen.templates),
          file=sys.stderr)
    if args.verify:
        return 1 if verify(gen, args.verify) else 0

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    trig = out / f"{args.name}.trig"
    store_path = out / f"{args.name}-store"
    t1 = time.perf_counter()
    counts = gen.write(args.experiences, trig)
    t2 = time.perf_counter()
    size = trig.stat().st_size
    print(f"wrote {trig} ({size / 1e9:.2f} GB; synthetic asserted {counts['asserted']}, inferred {counts['inferred']}) in {t2 - t1:.0f} s",
          file=sys.stderr)
    meta = {"experiences": args.experiences, "seed": args.seed, "trig_bytes": size,
            "synthetic_triples": counts, "real_quads": len(gen.real),
            "templates": [t.id for t in gen.templates], "timings_s": {"prepare": round(t1 - t0, 1), "write": round(t2 - t1, 1)}}
    if not args.no_load:
        tmp = out / f".{args.name}-store.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG, lenient=True)
        store.flush()
        t3 = time.perf_counter()
        meta["timings_s"]["load"] = round(t3 - t2, 1)
        if not args.keep_trig:
            trig.unlink()  # before optimize(), which rewrites the store: the peak disk use stays lower
        if not args.no_optimize:
            store.optimize()
            meta["timings_s"]["optimize"] = round(time.perf_counter() - t3, 1)
        del store
        shutil.rmtree(store_path, ignore_errors=True)
        tmp.rename(store_path)
        print(f"loaded into {store_path} in {t3 - t2:.0f} s (+ optimize {meta['timings_s'].get('optimize', 0):.0f} s)", file=sys.stderr)
        meta["store"] = str(store_path.relative_to(ROOT)) if store_path.is_relative_to(ROOT) else str(store_path)
    meta["total_quads"] = len(gen.real) + counts["asserted"] + counts["inferred"]
    (out / f"{args.name}-meta.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
