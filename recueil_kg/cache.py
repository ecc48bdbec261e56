"""Answers of the embedded store, remembered: the served dataset never changes while the app runs.

The key is the whole job a request turns into (query text, parameters bound as terms, dataset,
format, row cap, offset, base IRI), so two requests share an answer only when the store would
compute the same bytes for both. Queries whose answer may differ from one run to the next (RAND,
NOW, UUID, STRUUID, BNODE, blank nodes in results) are never remembered. Bounded in bytes, least
recently used first out.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from .errors import RecueilError
from .guard import query_words

VOLATILE = {"RAND", "NOW", "UUID", "STRUUID", "BNODE"}


def _key(job: dict) -> tuple:
    subs = tuple(sorted((k, tuple(v)) for k, v in (job.get("substitutions") or {}).items()))
    return (job["query"], subs, tuple(job.get("default_graph") or ()), tuple(job.get("named_graphs") or ()),
            job["format"], job["cap"], job.get("offset", 0), bool(job.get("extra")), job.get("base_iri"))


def cacheable(job: dict) -> bool:
    try:
        return not (VOLATILE & set(query_words(job["query"])))
    except RecueilError:  # an invalid escape: not remembered (the guard refuses such a query anyway)
        return False


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.used = 0
        self._items: OrderedDict[tuple, tuple[dict, int]] = OrderedDict()  # key -> (answer, bytes counted)
        self._lock = threading.Lock()

    def get(self, job: dict) -> dict | None:
        if self.max_bytes <= 0:
            return None
        key = _key(job)
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            self._items.move_to_end(key)
            return entry[0]

    def put(self, job: dict, answer: dict) -> None:
        body = answer.get("body", b"")
        size = len(body) + len(job["query"])
        if self.max_bytes <= 0 or size > self.max_bytes // 4 or "error" in answer or not cacheable(job):
            return
        if b"_:" in body or b"bnode" in body:
            return  # blank node labels are minted per run
        key = _key(job)
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (answer, size)
            self.used += size
            while self.used > self.max_bytes and self._items:
                self.used -= self._items.popitem(last=False)[1][1]
