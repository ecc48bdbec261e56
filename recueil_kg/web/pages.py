"""Resource pages and dereferencing (owner: the pages work). Placeholder until filled."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.route("/")
def home():
    return render_template("web/sparql.html", presets={})
