"""Facts the web layer needs about the graph (scheme members, counts), read once through the backend."""
from __future__ import annotations

import json
import threading

from ..namespaces import PREFIXES, dataset_graphs

ALL_GRAPHS = dataset_graphs()


class Catalogue:
    def __init__(self, backend, cfg: dict):
        self.backend, self.cfg = backend, cfg
        self._lock = threading.Lock()
        self._schemes: dict[str, dict[str, str]] | None = None
        self._stats: dict | None = None
        self._instances: dict[tuple[str, str], bool] = {}

    def select(self, query: str, substitutions: dict | None = None, cap: int | None = None) -> list[dict]:
        job = {"query": query, "default_graph": ALL_GRAPHS, "named_graphs": ALL_GRAPHS, "format": "json",
               "cap": cap or self.cfg["ROW_CAP"], "substitutions": substitutions or {}}
        doc = json.loads(self.backend.run(job, self.cfg["DEADLINE"])["body"])
        if "boolean" in doc:
            return [{"boolean": doc["boolean"]}]
        return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]

    def scheme_members(self, scheme: str) -> dict[str, str]:
        """IRI -> French label of the concepts of a scheme."""
        with self._lock:
            if self._schemes is None:
                rows = self.select(f"""PREFIX skos: <{PREFIXES['skos']}>
                    SELECT ?c ?s ?l WHERE {{ ?c skos:inScheme ?s . OPTIONAL {{ ?c skos:prefLabel ?l FILTER(lang(?l) = "fr") }} }}""")
                schemes: dict[str, dict[str, str]] = {}
                for r in rows:
                    schemes.setdefault(r["s"], {})[r["c"]] = r.get("l", r["c"])
                self._schemes = schemes
            return self._schemes.get(scheme, {})

    def is_instance(self, iri: str, cls: str) -> bool:
        """Whether the graph types ``iri`` as ``cls`` (answers are remembered: the graph does not change while served)."""
        import pyoxigraph as ox

        from ..workers import encode_term

        key = (iri, cls)
        if key not in self._instances:
            rows = self.select("ASK { ?x a ?cls }", {"x": encode_term(ox.NamedNode(iri)), "cls": encode_term(ox.NamedNode(cls))})
            if len(self._instances) > 20_000:
                self._instances.clear()
            self._instances[key] = bool(rows and rows[0].get("boolean"))
        return self._instances[key]

    def instances(self, cls: str, limit: int = 2000) -> dict[str, str]:
        import pyoxigraph as ox

        from ..workers import encode_term

        rows = self.select(f"""PREFIX rdfs: <{PREFIXES['rdfs']}>
            SELECT ?cls ?x (SAMPLE(?l0) AS ?l) WHERE {{ ?x a ?cls . OPTIONAL {{ ?x rdfs:label ?l0 FILTER(lang(?l0) = "fr" || lang(?l0) = "") }} }}
            GROUP BY ?cls ?x ORDER BY ?l""", {"cls": encode_term(ox.NamedNode(cls))}, cap=limit)
        return {r["x"]: r.get("l", r["x"]) for r in rows}

    def stats(self) -> dict:
        with self._lock:
            if self._stats is None:
                graphs = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
                classes = self.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY DESC(?n)")
                props = self.select("SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY DESC(?n)")
                self._stats = {"graphs": {r["g"]: int(r["n"]) for r in graphs},
                               "classes": {r["c"]: int(r["n"]) for r in classes},
                               "properties": {r["p"]: int(r["n"]) for r in props}}
            return self._stats
