"""Explorer, search, map, charts and SPARQL editor (owner: the explore work). Placeholder until filled."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("explore", __name__)
