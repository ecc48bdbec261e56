"""Charts (/charts): funding by programme and by funder level, experiences per theme, success factors.

Bars are drawn on the server as plain SVG; each chart has its data table under it (readable without
JavaScript or images) and a CSV download (/charts/<name>.csv). Funding sums come from the preset
queries funding-totals-by-programme and funding-totals-by-level with their default statuses: one-off
amounts only, breakdown lines (rkg:breakdownOf) left out.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import Response, current_app, g, render_template

from ..errors import RecueilError
from ..namespaces import PREFIXES
from ..presets import bind, with_values
from .facets import app_cache, label_of, table


@dataclass(frozen=True)
class Chart:
    name: str
    title: dict
    description: dict
    measure: str          # the column drawn as bars
    unit: str             # eur | count
    columns: tuple        # (key, {fr, en}) of the numeric columns, measure first
    source: str           # preset id, or a SPARQL query


FUNDING_COLUMNS = (("total", {"fr": "Montant (€)", "en": "Amount (€)"}), ("lines", {"fr": "Lignes", "en": "Lines"}),
                   ("experiences", {"fr": "Expériences", "en": "Experiences"}))
NOTE = {"fr": "Somme des montants ponctuels imprimés dans le recueil (accordés, demandés, prévus ou passés) ; les lignes de détail (rkg:breakdownOf) et les montants récurrents sont laissés hors de la somme.",
        "en": "Sum of the one-off amounts printed in the booklet (granted, applied for, planned or ended); breakdown lines (rkg:breakdownOf) and recurring amounts are left out."}
CHARTS = [
    Chart("funding-by-programme", {"fr": "Financements par programme", "en": "Funding by programme"}, NOTE,
          "total", "eur", FUNDING_COLUMNS, "funding-totals-by-programme"),
    Chart("funding-by-level", {"fr": "Financements par niveau de financeur", "en": "Funding by funder level"}, NOTE,
          "total", "eur", FUNDING_COLUMNS, "funding-totals-by-level"),
    Chart("experiences-by-theme", {"fr": "Expériences par thème", "en": "Experiences per theme"},
          {"fr": "Nombre d'expériences classées sous chaque thème du sommaire thématique (une expérience peut en avoir plusieurs).",
           "en": "Number of experiences filed under each theme of the thematic table of contents (an experience may have several)."},
          "experiences", "count", (("experiences", {"fr": "Expériences", "en": "Experiences"}),),
          f"""PREFIX rkg: <{PREFIXES['rkg']}>
SELECT ?concept (COUNT(DISTINCT ?experience) AS ?experiences)
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?experience), "/experience/"); separator=", ") AS ?experienceIds)
WHERE {{ ?experience a rkg:Experience ; rkg:theme ?concept }}
GROUP BY ?concept ORDER BY DESC(?experiences) ?concept
"""),
    Chart("success-factors", {"fr": "Facteurs de réussite par fréquence", "en": "Success factors by frequency"},
          {"fr": "Pour chaque catégorie de facteur de réussite, le nombre d'expériences qui la citent et le nombre de mentions.",
           "en": "For each success-factor category, the number of experiences citing it and the number of mentions."},
          "experiences", "count", (("experiences", {"fr": "Expériences", "en": "Experiences"}), ("mentions", {"fr": "Mentions", "en": "Mentions"})),
          f"""PREFIX rkg: <{PREFIXES['rkg']}>
SELECT ?concept (COUNT(DISTINCT ?experience) AS ?experiences) (COUNT(DISTINCT ?factor) AS ?mentions)
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?experience), "/experience/"); separator=", ") AS ?experienceIds)
WHERE {{ ?experience a rkg:Experience ; rkg:hasSuccessFactor ?factor . ?factor rkg:category ?concept }}
GROUP BY ?concept ORDER BY DESC(?experiences) DESC(?mentions) ?concept
"""),
]
BY_NAME = {c.name: c for c in CHARTS}


def query_of(chart: Chart) -> str:
    preset = current_app.extensions["recueil"]["presets"].get(chart.source)
    if preset is None:
        return chart.source
    _, lists = bind(preset, {})
    return with_values(preset.query, lists)


def _number(text: str | None) -> Decimal:
    try:
        return Decimal(text) if text not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _rows(chart: Chart) -> list[dict]:
    cat = current_app.extensions["recueil"]["catalogue"]
    t = table()
    out = []
    for r in cat.select(query_of(chart), cap=100_000):
        iri = r.get("concept") or r.get("programme") or r.get("level")
        row = {"iri": iri, "label_fr": label_of(t, iri, "fr"), "label_en": label_of(t, iri, "en"),
               "experienceIds": r.get("experienceIds", "")}
        for key, _ in chart.columns:
            row[key] = _number(r.get(key))
        out.append(row)
    out.sort(key=lambda x: (-x[chart.measure], x["label_fr"].casefold()))
    return out


def rows(chart: Chart) -> list[dict]:
    return app_cache("chart-" + chart.name, lambda: _rows(chart))


def fmt(value: Decimal, unit: str, lang: str) -> str:
    if unit == "eur":
        text = f"{value:,.2f}".replace(".00", "") if value == value.to_integral() else f"{value:,.2f}"
        text = text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text
        return f"{text} €" if lang == "fr" else f"€{text}"
    return str(int(value)) if value == value.to_integral() else str(value)


def svg_bars(chart: Chart, data: list[dict], lang: str) -> dict:
    """Geometry of a horizontal bar chart, drawn by the template as SVG."""
    label_w, bar_w, row_h, top = 330, 330, 24, 8
    peak = max([r[chart.measure] for r in data] + [Decimal(0)])
    bars = []
    for i, r in enumerate(data):
        label = r["label_en"] if lang == "en" else r["label_fr"]
        width = float(r[chart.measure] / peak * bar_w) if peak else 0.0
        bars.append({"y": top + i * row_h, "width": round(width, 1), "label": label,
                     "short": label if len(label) <= 44 else label[:42] + "…", "value": fmt(r[chart.measure], chart.unit, lang)})
    return {"bars": bars, "label_w": label_w, "bar_w": bar_w, "row_h": row_h,
            "width": label_w + bar_w + 130, "height": top * 2 + row_h * len(data)}


def view(chart: Chart, lang: str) -> dict:
    data = rows(chart)
    return {"chart": chart, "name": chart.name, "title": chart.title[lang], "description": chart.description[lang],
            "rows": data, "svg": svg_bars(chart, data, lang), "query": query_of(chart),
            "columns": [(k, label[lang]) for k, label in chart.columns], "fmt": fmt}


def csv_text(chart: Chart) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    keys = [k for k, _ in chart.columns]
    w.writerow(["iri", "label_fr", "label_en", *keys, "experienceIds"])
    for r in rows(chart):
        w.writerow([r["iri"], r["label_fr"], r["label_en"], *[str(r[k]) for k in keys], r["experienceIds"]])
    return out.getvalue()


def index():
    lang = g.get("lang", "fr")
    return render_template("web/explore/charts.html", charts=[view(c, lang) for c in CHARTS], single=False,
                           urlencode_query=lambda q: urlencode({"query": q}))


def one(name: str):
    base, _, suffix = name.partition(".")
    chart = BY_NAME.get(base)
    if chart is None or suffix not in ("", "csv"):
        raise RecueilError(f"no chart named {name[:80]!r}; see /charts", status=404)
    if suffix == "csv":
        return Response(csv_text(chart), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{chart.name}.csv"'})
    return render_template("web/explore/charts.html", charts=[view(chart, g.get("lang", "fr"))], single=True,
                           urlencode_query=lambda q: urlencode({"query": q}))
