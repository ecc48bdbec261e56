"""The graph against known answers read off the booklet (tests/booklet_facts.yaml)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from recueil_kg.sparql import run

FACTS = yaml.safe_load((Path(__file__).parent / "booklet_facts.yaml").read_text(encoding="utf-8"))
EXPERIENCES = FACTS["experiences"]
P = """PREFIX rkg: <https://w3id.org/recueil-kg/def#>
PREFIX exp: <https://w3id.org/recueil-kg/id/experience/>
PREFIX prog: <https://w3id.org/recueil-kg/id/concept/programme/>
PREFIX theme: <https://w3id.org/recueil-kg/id/concept/theme/>
PREFIX anim: <https://w3id.org/recueil-kg/id/concept/animation/>
PREFIX fstatus: <https://w3id.org/recueil-kg/id/concept/funding-status/>
PREFIX tech: <https://w3id.org/recueil-kg/id/concept/tech/>
"""


def ids(store, query):
    return {s["e"].value.rsplit("/", 1)[-1] for s in run(store, P + query)}


def test_seventeen_experiences(store):
    assert ids(store, "SELECT ?e WHERE { ?e a rkg:Experience }") == set(EXPERIENCES)


@pytest.mark.parametrize("exp_id", sorted(EXPERIENCES))
def test_booklet_number(store, exp_id):
    rows = list(run(store, P + f"SELECT ?n WHERE {{ exp:{exp_id} rkg:bookletNumber ?n }}"))
    expected = EXPERIENCES[exp_id]["number"]
    assert [int(r["n"].value) for r in rows] == ([expected] if expected else [])


@pytest.mark.parametrize("exp_id", sorted(EXPERIENCES))
def test_themes_match_the_thematic_contents(store, exp_id):
    rows = run(store, P + f"SELECT ?t WHERE {{ exp:{exp_id} rkg:theme ?t }}")
    assert {r["t"].value.rsplit("/", 1)[-1] for r in rows} == set(EXPERIENCES[exp_id]["themes"])


AMOUNTS = [(e, Decimal(str(a))) for e, f in sorted(EXPERIENCES.items()) for a in f["amounts"]]


@pytest.mark.parametrize("exp_id,amount", AMOUNTS, ids=[f"{e}-{a}" for e, a in AMOUNTS])
def test_every_printed_amount_is_in_the_graph(store, exp_id, amount):
    q = P + f"""SELECT ?v WHERE {{
      exp:{exp_id} ?link ?n .
      {{ ?n rkg:amount|rkg:minAmount|rkg:maxAmount ?v }} UNION {{ ?n rkg:hasIndicator/(rkg:value|rkg:minValue|rkg:maxValue) ?v }}
    }}"""
    values = {Decimal(r["v"].value) for r in run(store, q)}
    assert amount in values, f"{exp_id}: {amount} not among {sorted(values)}"


@pytest.mark.parametrize("programme", sorted(FACTS["programmes"]))
def test_experiences_by_programme(store, programme):
    got = ids(store, f"SELECT DISTINCT ?e WHERE {{ ?e rkg:hasFundingLine/rkg:programme prog:{programme} }}")
    assert got == set(FACTS["programmes"][programme])


@pytest.mark.parametrize("exp_id,programme", FACTS["applied_for"])
def test_applied_for_is_not_granted(store, exp_id, programme):
    rows = list(run(store, P + f"""SELECT ?s WHERE {{ exp:{exp_id} rkg:hasFundingLine ?f .
        ?f rkg:programme prog:{programme} ; rkg:fundingStatus ?s }}"""))
    assert rows and all(r["s"].value.endswith("/applied-for") for r in rows)


NOT_USED = [(e, t) for e, ts in sorted(FACTS["technologies_not_used"].items()) for t in ts]


@pytest.mark.parametrize("exp_id,tech", NOT_USED, ids=[f"{e}-{t}" for e, t in NOT_USED])
def test_technology_of_the_context_or_plans_only_is_not_the_experiences(store, exp_id, tech):
    assert not bool(run(store, P + f"ASK {{ exp:{exp_id} rkg:usesTechnology tech:{tech} }}"))


def test_no_experience_technology_comes_from_its_context_or_plans_alone(store):
    """A technology the experience's context facts or planned steps name, and none of its other
    statements, belongs to the carrier's other work or to the future, not to the experience."""
    rows = run(store, P + """SELECT ?e ?t WHERE {
      ?e a rkg:Experience ; rkg:usesTechnology ?t ; rkg:hasContextFact|rkg:hasPlannedStep ?aside .
      ?aside rkg:usesTechnology ?t .
      FILTER NOT EXISTS { ?e ?has ?s . ?s rkg:usesTechnology ?t .
                          FILTER(?has NOT IN (rkg:hasContextFact, rkg:hasPlannedStep, rkg:hasStatement)) }
    }""")
    assert [(r["e"].value, r["t"].value) for r in rows] == []


NO_ROLE = [(e, a) for e, agents in sorted(FACTS["roles_not_given"].items()) for a in agents]


@pytest.mark.parametrize("exp_id,agent", NO_ROLE, ids=[f"{e}-{a}" for e, a in NO_ROLE])
def test_context_organisation_has_no_role(store, exp_id, agent):
    a = f"<https://w3id.org/recueil-kg/id/agent/{agent}>"
    assert bool(run(store, P + f"ASK {{ {a} a ?type }}")), f"{agent} is no longer in the graph at all"
    assert not bool(run(store, P + f"ASK {{ exp:{exp_id} rkg:hasActorRole/rkg:agent {a} }}"))


@pytest.mark.parametrize("kind", sorted(FACTS["spent_on"]))
def test_what_funding_lines_pay_for(store, kind):
    rows = run(store, P + f"SELECT ?l WHERE {{ ?l rkg:spentOn <https://w3id.org/recueil-kg/id/concept/budget-kind/{kind}> }}")
    got = {r["l"].value.rsplit("/", 1)[-1] for r in rows}
    assert set(FACTS["spent_on"][kind]) <= got


def test_volunteer_animation(store):
    got = ids(store, "SELECT DISTINCT ?e WHERE { ?e rkg:hasAnimation/rkg:animationMode anim:volunteer }")
    assert set(FACTS["volunteer_animation"]) <= got


def test_leader_with_volunteer_animation_is_bois_d_anjou(store):
    got = ids(store, """SELECT DISTINCT ?e WHERE { ?e rkg:hasFundingLine/rkg:programme prog:leader ;
                         rkg:hasAnimation/rkg:animationMode anim:volunteer }""")
    assert got == {"drive-bois-anjou"}


def test_no_personal_contact_details(sources):
    import re

    for path, g in sources.data.items():
        for s, p, o in g:
            assert not re.search(r"[\w.-]+@[\w-]+\.[a-z]{2,}", str(o)), f"{path}: e-mail in {s}"


def _words(text: str) -> list[str]:
    import re
    import unicodedata

    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"-\s*\n\s*", "", text)  # words cut at the end of a line of the booklet
    return re.findall(r"[\w']+", unicodedata.normalize("NFC", text.lower()))


COPY_RUN = 15  # words in a row: longer than any name, title or programme the descriptions quote


def test_no_description_pastes_the_booklet(sources):
    """Summaries and descriptions are our own words: none repeats COPY_RUN words of the booklet in a
    row (names and titles quoted in « » aside)."""
    import re

    booklet = Path(__file__).resolve().parents[2] / "shared" / "recueil" / "recueil-2018.txt"
    if not booklet.is_file():
        pytest.skip(f"the booklet's text is not beside the project ({booklet})")
    book = _words(booklet.read_text(encoding="utf-8"))
    runs = {tuple(book[i:i + COPY_RUN]) for i in range(len(book) - COPY_RUN + 1)}
    rkg = "https://w3id.org/recueil-kg/def#"
    props = {rkg + "summary", rkg + "description", rkg + "purpose"}
    copied = []
    for path, g in sources.data.items():
        for s, p, o in g:
            if str(p) in props and getattr(o, "language", None) == "fr":
                words = _words(re.sub(r"«[^»]*»", " ", str(o)))
                if any(tuple(words[i:i + COPY_RUN]) in runs for i in range(len(words) - COPY_RUN + 1)):
                    copied.append(f"{Path(path).name}: {s}")
    assert copied == []
