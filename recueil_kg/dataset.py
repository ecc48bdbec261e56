"""Build the dataset: ontology, asserted data, geographic reference and inferred triples as named graphs."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from .namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_REFERENCE, PREFIXES
from .reasoning import infer
from .sources import Sources, read_sources


@dataclass
class Built:
    sources: Sources
    ontology: Graph
    asserted: Graph
    reference: Graph
    inferred: Graph
    timings: dict[str, float] = field(default_factory=dict)

    def dataset(self) -> Dataset:
        ds = Dataset()
        for k, v in PREFIXES.items():
            ds.bind(k, v)
        for name, g in ((GRAPH_ONTOLOGY, self.ontology), (GRAPH_ASSERTED, self.asserted), (GRAPH_REFERENCE, self.reference), (GRAPH_INFERRED, self.inferred)):
            target = ds.graph(name)
            for t in g:
                target.add(t)
        return ds

    def data_graph(self) -> Graph:
        """Asserted data with its reference facts (what SHACL validates)."""
        g = Graph()
        g += self.asserted
        g += self.reference
        return g


def merge(graphs) -> Graph:
    out = Graph()
    for k, v in PREFIXES.items():
        out.bind(k, v)
    for g in graphs:
        out += g
    return out


def build(root: Path, data_dir: Path | None = None, reason: bool = True) -> Built:
    t0 = time.perf_counter()
    src = read_sources(root, data_dir)
    t1 = time.perf_counter()
    ontology = merge(src.ontology.values())
    asserted = merge([*src.data.values(), src.sections])
    inferred = infer(ontology, merge([asserted, src.reference])) if reason else Graph()
    t2 = time.perf_counter()
    return Built(src, ontology, asserted, src.reference, inferred, {"parse": t1 - t0, "reason": t2 - t1})


def write_dataset(built: Built, out_dir: Path) -> Path:
    """Write build/dataset.trig atomically (temp file + rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "dataset.trig"
    tmp = out_dir / ".dataset.trig.tmp"
    built.dataset().serialize(destination=str(tmp), format="trig")
    tmp.replace(target)
    return target
