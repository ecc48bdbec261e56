"""Load the built dataset into a remote store with the SPARQL 1.1 Graph Store HTTP Protocol."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from io import BytesIO
from pathlib import Path

import pyoxigraph as ox

from .errors import RecueilError


def push(trig: Path, url: str, replace: bool = True, timeout: float = 120.0):
    """PUT (or POST) each named graph of the dataset as N-Triples to URL?graph=<name>. Yields (graph, triples)."""
    if not url.startswith(("http://", "https://")):
        raise RecueilError(f"the Graph Store URL must be http(s), not {url!r}")
    graphs: dict[str, list] = {}
    for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        if isinstance(q.graph_name, ox.NamedNode):
            graphs.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    for name, triples in graphs.items():
        body = BytesIO()
        ox.serialize(triples, body, format=ox.RdfFormat.N_TRIPLES)
        sep = "&" if "?" in url else "?"
        req = urllib.request.Request(f"{url}{sep}graph={urllib.parse.quote(name, safe='')}", data=body.getvalue(),
                                     method="PUT" if replace else "POST", headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as e:
            raise RecueilError(f"the store refused graph {name} ({e.code}): {e.read()[:300].decode('utf-8', 'replace')}", where=url) from None
        except (urllib.error.URLError, OSError) as e:
            raise RecueilError(f"cannot reach the store: {getattr(e, 'reason', e)}", where=url) from None
        yield name, len(triples)
