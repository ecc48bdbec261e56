"""The README documents every setting, every CLI verb, and the two commands; .ci/run uses the test one."""
from __future__ import annotations

import re

import pytest

from recueil_kg.cli import parser
from recueil_kg.config import DEFAULTS

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_setting_is_documented(key):
    assert f"`RECUEIL_{key}`" in README


def test_every_cli_verb_is_documented():
    verbs = parser()._subparsers._group_actions[0].choices
    missing = [v for v in verbs if f"| `{v}" not in README]
    assert missing == []


def test_the_two_commands_and_ci():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    assert blocks[0].startswith("python3 -m venv .venv") and blocks[0].endswith("recueil-kg serve")
    assert blocks[1].startswith("sh scripts/test-deps.sh && python3 -m venv .venv") and blocks[1].endswith("-m pytest")
    assert blocks[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
