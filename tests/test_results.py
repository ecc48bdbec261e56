"""Result serialisers: what they write parses back to the same terms, whatever the strings hold."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from recueil_kg.results import serialize_solutions
from recueil_kg.sparql import FORMATS

XSD = "http://www.w3.org/2001/XMLSchema#"
TRICKY = ['plain', 'quote " and \\ backslash', "new\nline\ttab\rreturn", "comma, and \"quoted\"", "accents éàç – “”",
          "\u2028 line separator", "\x01 control", "emoji 🌾", ""]
TERMS = ([ox.Literal(s) for s in TRICKY] + [ox.Literal(s, language="fr") for s in TRICKY[:3]]
         + [ox.Literal("12.5", datatype=ox.NamedNode(XSD + "decimal")), ox.Literal("2018", datatype=ox.NamedNode(XSD + "gYear")),
            ox.NamedNode("https://w3id.org/recueil-kg/id/experience/drive-bois-anjou"), ox.NamedNode("http://example.org/a?b=c&d=é"),
            ox.BlankNode("b0")])
ROWS = [[t, None if i % 3 == 0 else TERMS[(i + 1) % len(TERMS)]] for i, t in enumerate(TERMS)]


def test_json_round_trips_through_pyoxigraph_parser():
    body = serialize_solutions(["a", "b"], ROWS, "json", {"rows": len(ROWS), "note": "é \" \n"})
    doc = json.loads(body)
    assert doc["recueil"] == {"rows": len(ROWS), "note": "é \" \n"}
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert [[s["a"], s["b"]] for s in parsed] == ROWS


@pytest.mark.parametrize("fmt", ["xml", "tsv"])
def test_other_result_formats_round_trip(fmt):
    body = serialize_solutions(["a", "b"], ROWS, fmt)
    form = FORMATS[fmt]
    parsed = ox.parse_query_results(body, format=form)
    assert [[s["a"], s["b"]] for s in parsed] == ROWS


def test_csv_cells_are_the_plain_values_quoted_as_rfc4180_says():
    body = serialize_solutions(["a", "b"], ROWS, "csv").decode()
    records = list(csv.reader(io.StringIO(body, newline="")))
    assert records[0] == ["a", "b"]
    expected = [["" if t is None else ("_:" + t.value if isinstance(t, ox.BlankNode) else t.value) for t in row] for row in ROWS]
    assert records[1:] == expected


@pytest.mark.parametrize("value", [True, False])
def test_ask_answers_with_the_report_member_parse_with_pyoxigraph(value):
    from recueil_kg.results import serialize_boolean

    body = serialize_boolean(value, "json", {"rows": 1, "truncated": False})
    assert json.loads(body)["recueil"]["rows"] == 1
    assert bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)) is value


# ------------------------------------------------------------------ counting rows of pyoxigraph's own documents

COUNT_CASES = {
    "tricky strings": 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("[{\\"x\\":1},{}]" <http://e/a>) ("\\\\" 1) ("{}" UNDEF) (",{\\"" "a"@fr) } }',
    "empty solutions": "SELECT ?a WHERE { VALUES ?a { UNDEF UNDEF <http://e/b> } }",
    "no variables": "SELECT * WHERE { }",
    "no rows": "SELECT ?a WHERE { FILTER(false) }",
    "many rows": "SELECT ?n WHERE { VALUES ?x { 1 2 3 4 5 6 7 8 9 10 } VALUES ?y { 1 2 3 } BIND(?x * ?y AS ?n) }",
}


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("case", sorted(COUNT_CASES))
def test_rows_of_a_native_document_are_counted_exactly(case, fmt):
    from recueil_kg.results import count_rows

    store = ox.Store()
    form = FORMATS[fmt]
    expected = sum(1 for _ in store.query(COUNT_CASES[case]))
    assert count_rows(store.query(COUNT_CASES[case]).serialize(format=form), fmt) == expected


@pytest.mark.parametrize("lexical,datatype", [("40000", "decimal"), ("1.5", "decimal"), ("12", "integer"), ("1e3", "double"),
                                              ("1", "double"), ("true", "boolean"), ("1", "boolean"), ("+7", "integer")])
def test_tsv_numbers_read_back_with_their_datatype(lexical, datatype):
    term = ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))
    body = serialize_solutions(["a"], [[term]], "tsv")
    (row,) = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    assert row["a"] == term
