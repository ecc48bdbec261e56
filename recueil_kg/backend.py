"""The store interface the web layer queries: embedded (worker processes) or remote (SPARQL protocol)."""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

from .cache import AnswerCache
from .errors import RecueilError


class EmbeddedBackend:
    """The built dataset in an on-disk pyoxigraph store, queried by killable worker processes (each holds
    a copy in memory when the store is small enough: RECUEIL_MEMORY_QUADS)."""

    name = "embedded"

    def __init__(self, cfg: dict):
        from .store import served_store
        from .workers import WorkerPool

        self.path = served_store(cfg)
        self.pool = WorkerPool(str(self.path), cfg["WORKERS"], cfg["MEMORY_QUADS"])
        self.cache = AnswerCache(cfg["CACHE_BYTES"])

    def run(self, job: dict, deadline: float) -> dict:
        remembered = self.cache.get(job)
        if remembered is not None:
            return {**remembered, "cached": True}
        answer = self.pool.run(job, deadline)
        self.cache.put(job, answer)
        return answer

    def close(self) -> None:
        self.pool.close()


class RemoteBackend:
    """Any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever…) over HTTP."""

    name = "remote"

    def __init__(self, cfg: dict):
        self.url = cfg["REMOTE_QUERY_URL"]
        self.margin = cfg["REMOTE_TIMEOUT_MARGIN"]

    def run(self, job: dict, deadline: float) -> dict:
        import pyoxigraph as ox

        from .workers import _term, render

        query = job["query"]
        if job.get("substitutions"):
            # The protocol has no parameter binding: send the bound values as a VALUES block of terms
            # that were parsed and validated as RDF terms (never raw request text).
            # They go at the start of the outermost WHERE group, so that its FILTERs see them.
            from .guard import where_group_start

            terms = {k: _term(v) for k, v in job["substitutions"].items()}
            names = " ".join(f"?{k}" for k in terms)
            values = " ".join(str(t) for t in terms.values())
            at = where_group_start(query)
            if at < 0:
                raise RecueilError("cannot bind parameters: the query has no WHERE group", status=400)
            query = f"{query[:at]}\n  VALUES ({names}) {{ ({values}) }}\n{query[at:]}"
        params = [("query", query)]
        params += [("default-graph-uri", g) for g in job.get("default_graph") or []]
        params += [("named-graph-uri", g) for g in job.get("named_graphs") or []]
        req = urllib.request.Request(self.url, data=urllib.parse.urlencode(params).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=deadline + self.margin) as resp:
                ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
                body = resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:500]
            raise RecueilError(f"the remote store refused the query ({e.code}): {detail}", status=400 if e.code < 500 else 502) from None
        except TimeoutError:
            raise RecueilError(f"the remote store did not answer within the {deadline:g} s deadline", status=503) from None
        except (urllib.error.URLError, OSError) as e:
            raise RecueilError(f"the remote store cannot be reached: {getattr(e, 'reason', e)}", status=502) from None
        if ctype == "application/n-triples":
            results = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        else:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return render(results, job, t0)

    def close(self) -> None:
        pass


def make_backend(cfg: dict):
    return RemoteBackend(cfg) if cfg["STORE"] == "remote" else EmbeddedBackend(cfg)


class LocalBackend:
    """In-process queries on a pyoxigraph store, for the command line (no deadline: the user can interrupt)."""

    name = "local"

    def __init__(self, store, allow_federation: bool = False):
        self.store = store
        self.allow_federation = allow_federation

    def run(self, job: dict, deadline: float) -> dict:
        from .workers import execute

        answer = execute(self.store, job)
        if "error" in answer:
            raise RecueilError(answer["error"], status=answer.get("status", 400))
        return answer

    def close(self) -> None:
        pass
