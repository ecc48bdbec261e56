"""Open-data publication: DCAT-AP and VoID descriptions (owner: the publication work). Placeholder until filled."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__)
