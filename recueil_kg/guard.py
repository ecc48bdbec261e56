"""Refuse what the public endpoint must never evaluate, before any engine sees the query.

SPARQL lets \\uXXXX and \\UXXXXXXXX escapes stand anywhere in a query and decodes them before
parsing, so they are decoded first. Comments, string literals and IRIs are then blanked out, so
that only keywords remain to be matched as whole tokens (a variable ?service or a prefixed name
ex:from is not a keyword).
"""
from __future__ import annotations

import functools
import re

from .errors import RecueilError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXEMES = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')'''
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<word>[?$]?[A-Za-z_][\w-]*(?::[\w.-]*)?|:[\w.-]*)"
    r"|(?P<other>.)",
    re.DOTALL,
)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}


def decode_escapes(text: str) -> str:
    def sub(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise RecueilError(f"invalid escape \\u{code:X} in the query", status=400)
        return chr(code)

    return _ESCAPE.sub(sub, text)


def keywords(text: str) -> list[str]:
    """Bare keywords of a query, upper-cased, in order (strings, IRIs and comments skipped)."""
    out = []
    for m in _LEXEMES.finditer(text):
        w = m.group("word")
        if w and not w.startswith(("?", "$")) and ":" not in w:
            out.append(w.upper())
    return out


@functools.lru_cache(maxsize=1024)
def query_words(text: str) -> tuple[str, ...]:
    """keywords() of a query with its escapes decoded, remembered per text: the guard, the query-form
    check and the answer cache all read them, and presets and pages send the same texts again and
    again. Raises RecueilError for an invalid escape (not remembered)."""
    return tuple(keywords(decode_escapes(text)))


def check_query(text: str, allow_federation: bool = False) -> str:
    """Return the query if it may run; raise RecueilError (403) for SERVICE, FROM, or any update."""
    if "\x00" in text:
        raise RecueilError("the query contains a NUL character", status=400)
    words = query_words(text)
    updates = sorted(set(words) & UPDATE_WORDS)
    if updates:
        raise RecueilError(f"updates are not allowed on this endpoint (found {', '.join(updates)}); it is read-only", status=403)
    if not allow_federation:
        if "SERVICE" in words:
            raise RecueilError("SERVICE (federated query) is refused on the public endpoint: it would make the server reach the network", status=403)
        for i, w in enumerate(words):
            if w == "FROM":
                named = i + 1 < len(words) and words[i + 1] == "NAMED"
                raise RecueilError(f"FROM{' NAMED' if named else ''} is refused on the public endpoint: choose graphs with default-graph-uri/named-graph-uri", status=403)
    return text


def where_group_start(text: str) -> int:
    """Offset just after the opening brace of the outermost WHERE group of a query (-1 if none).

    Used to put a VALUES block of already-validated terms where every FILTER of the group sees it,
    for stores reached over the protocol, which has no parameter binding.
    """
    form = None
    for m in _LEXEMES.finditer(text):
        w = m.group("word")
        if w and form is None and w.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = w.upper()
            continue
        if form is None:
            continue
        if w and w.upper() == "WHERE":
            form = "WHERE"
            continue
        if m.group("other") == "{" and form != "CONSTRUCT":
            return m.end()
        if m.group("other") == "{" and form == "CONSTRUCT":
            form = "CONSTRUCT-TEMPLATE"
    return -1


@functools.lru_cache(maxsize=1024)
def with_limit(text: str, n: int) -> str | None:
    """The SELECT query `text` answering at most `n` rows: its top-level LIMIT lowered to `n`, or
    `LIMIT n` added after its solution modifiers (before a trailing VALUES block). None when the
    query is not a SELECT or its text cannot be read safely here (escape sequences); the query is
    unchanged when it already asks for at most `n` rows.

    Lets the engine stop early and serialise the rows itself, while the row cap stays exact.
    """
    if "\\u" in text or "\\U" in text:
        return None
    form, depth, closed = None, 0, False
    limit_digits = None  # (start, end) of the number after a top-level LIMIT
    insert_at = len(text)
    lexemes = list(_LEXEMES.finditer(text))
    for i, m in enumerate(lexemes):
        w, other = m.group("word"), m.group("other")
        if form is None:
            if w and w.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = w.upper()
                if form != "SELECT":
                    return None
            continue
        if other == "{":
            depth += 1
        elif other == "}":
            depth -= 1
            if depth == 0 and not closed:
                closed = True
        elif closed and depth == 0 and w:
            word = w.upper()
            if word == "VALUES":
                insert_at = m.start()
                break
            if word == "LIMIT":
                j = i + 1
                while j < len(lexemes) and (lexemes[j].group("other") or "").isspace():
                    j += 1
                start = j
                while j < len(lexemes) and (lexemes[j].group("other") or "").isdigit():
                    j += 1
                if j == start:
                    return None
                limit_digits = (lexemes[start].start(), lexemes[j - 1].end())
    if form != "SELECT" or not closed:
        return None
    if limit_digits:
        current = int(text[limit_digits[0]:limit_digits[1]])
        return text if current <= n else text[:limit_digits[0]] + str(n) + text[limit_digits[1]:]
    return f"{text[:insert_at]}\nLIMIT {n}\n{text[insert_at:]}"
