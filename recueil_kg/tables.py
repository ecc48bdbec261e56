"""Tidy CSV tables of the graph, each defined by one SPARQL query, and their data dictionary.

Every table is one SELECT over the asserted, reference and ontology graphs (not the inferred one, so a
cell holds what was curated). Entity columns hold full IRIs; concept columns hold the concept's local
name (``.../concept/level/eu`` -> ``eu``); a column that may hold several values joins them, sorted,
with `` | ``. Numbers keep their lexical form (amounts exact to the cent, as printed in the booklet).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .namespaces import sparql_prefixes

SEP = " | "


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str
    en: str
    fr: str


@dataclass(frozen=True)
class Table:
    name: str
    en: str
    fr: str
    columns: tuple[Column, ...]
    query: str
    joined: tuple[str, ...] = ()                    # columns whose values are sorted after GROUP_CONCAT
    pairs: dict = field(default_factory=dict)      # "ids_col": "labels_col" kept aligned when sorted

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name, datatype, en, fr):
    return Column(name, datatype, en, fr)


def _cat(var: str, out: str | None = None) -> str:
    return f'(GROUP_CONCAT(DISTINCT STR(?{var}); separator="{SEP}") AS ?{out or var})'


def _local(src: str, dst: str) -> str:
    return f'BIND(REPLACE(STR(?{src}), "^.*/", "") AS ?{dst})'


def _label(subject: str, var: str, lang: str = "fr") -> str:
    return f'OPTIONAL {{ ?{subject} rdfs:label ?{var} FILTER(lang(?{var}) = "{lang}" || lang(?{var}) = "") }}'


def _skos(subject: str, var: str, lang: str = "fr") -> str:
    return f'OPTIONAL {{ ?{subject} skos:prefLabel ?{var} FILTER(lang(?{var}) = "{lang}") }}'


E = "IRI of the experience (rkg:Experience)"
E_FR = "IRI de l'expérience (rkg:Experience)"
CONCEPT = "local name of a concept of scheme"
CONCEPT_FR = "nom local d'un concept du schéma"

EXPERIENCES = Table(
    "experiences", "One row per experience of the booklet.", "Une ligne par expérience du recueil.",
    (C("id", "IRI", E, E_FR),
     C("number", "integer", "number of the experience in the booklet (empty for the two national experiences)",
       "numéro de l'expérience dans le recueil (vide pour les deux expériences nationales)"),
     C("title_fr", "string", "title of the chapter in the booklet (French)", "titre du chapitre dans le recueil (français)"),
     C("title_en", "string", "short English name (the booklet has no English title)", "nom court en anglais (le recueil n'a pas de titre anglais)"),
     C("label_fr", "string", "short French name", "nom court en français"),
     C("start_year", "gYear", "year the experience started", "année de démarrage de l'expérience"),
     C("scale", "concept", f"{CONCEPT} scale (commune, intercommunality, département…)", f"{CONCEPT_FR} scale (échelle)"),
     C("status", "concept", f"{CONCEPT} status (running, ended…)", f"{CONCEPT_FR} status (état)"),
     C("themes", "concept list", f"{CONCEPT} theme (the booklet's eight themes), joined", f"{CONCEPT_FR} theme (les huit thèmes du recueil), joints"),
     C("territories", "IRI list", "territories of the experience (rkg:territory), joined; see territories.csv",
       "territoires de l'expérience (rkg:territory), joints ; voir territories.csv"),
     C("territory_labels", "string list", "French labels of those territories, in the same order", "libellés français de ces territoires, dans le même ordre"),
     C("page", "integer", "first page of the chapter in the booklet", "première page du chapitre dans le recueil"),
     C("page_end", "integer", "last page of the chapter", "dernière page du chapitre")),
    f"""SELECT ?id {_cat('n', 'number')} {_cat('tf', 'title_fr')} {_cat('le', 'title_en')} {_cat('lf', 'label_fr')}
        {_cat('y', 'start_year')} {_cat('sc', 'scale')} {_cat('st', 'status')} {_cat('th', 'themes')}
        {_cat('tp', 'territories')} (MIN(?p1) AS ?page) (MAX(?p2) AS ?page_end)
    WHERE {{
      ?id a rkg:Experience .
      OPTIONAL {{ ?id rkg:bookletNumber ?n }}
      OPTIONAL {{ ?id dcterms:title ?tf FILTER(lang(?tf) = "fr") }}
      OPTIONAL {{ ?id rdfs:label ?le FILTER(lang(?le) = "en") }}
      OPTIONAL {{ ?id rdfs:label ?lf FILTER(lang(?lf) = "fr") }}
      OPTIONAL {{ ?id rkg:startYear ?y }}
      OPTIONAL {{ ?id rkg:scale ?sc0 {_local('sc0', 'sc')} }}
      OPTIONAL {{ ?id rkg:status ?st0 {_local('st0', 'st')} }}
      OPTIONAL {{ ?id rkg:theme ?th0 {_local('th0', 'th')} }}
      OPTIONAL {{ ?id rkg:territory ?t {_label('t', 'tl')} BIND(CONCAT(STR(?t), "\\t", COALESCE(STR(?tl), "")) AS ?tp) }}
      OPTIONAL {{ ?id rkg:chapter ?ch . ?ch rkg:startPage ?p1 . OPTIONAL {{ ?ch rkg:endPage ?p2 }} }}
    }} GROUP BY ?id ORDER BY ?page ?id""",
    joined=("scale", "status", "themes"), pairs={"territories": "territory_labels"})

FUNDING_LINES = Table(
    "funding_lines", "One row per funding line (rkg:FundingLine): who funds what, how much, through which programme.",
    "Une ligne par ligne de financement (rkg:FundingLine) : qui finance quoi, combien, par quel programme.",
    (C("id", "IRI", "IRI of the funding line", "IRI de la ligne de financement"),
     C("experience", "IRI", E, E_FR),
     C("funder_id", "IRI", "funder (rkg:funder); empty when the booklet does not name it", "financeur (rkg:funder) ; vide quand le recueil ne le nomme pas"),
     C("funder_label", "string", "French label of the funder", "libellé français du financeur"),
     C("level", "concept", f"{CONCEPT} level (eu, state, region, departement, local, private, self, mixed…)", f"{CONCEPT_FR} level (niveau du financeur)"),
     C("programme", "concept", f"{CONCEPT} programme (leader, feder, fnadt…)", f"{CONCEPT_FR} programme"),
     C("kind", "concept", f"{CONCEPT} funding-kind (subsidy, loan, donation…)", f"{CONCEPT_FR} funding-kind (nature)"),
     C("status", "concept", f"{CONCEPT} funding-status (granted, applied-for, planned, ended)", f"{CONCEPT_FR} funding-status (état)"),
     C("amount", "decimal", "amount in euros, exact as printed", "montant en euros, exact tel qu'imprimé"),
     C("min_amount", "decimal", "lower bound in euros when the booklet gives a range", "borne basse en euros quand le recueil donne une fourchette"),
     C("max_amount", "decimal", "upper bound in euros", "borne haute en euros"),
     C("qualifier", "concept", f"{CONCEPT} qualifier (approximately, more-than, range…)", f"{CONCEPT_FR} qualifier (précision)"),
     C("share", "decimal", "share of a budget, a fraction in [0, 1] (80 % is 0.8)", "part d'un budget, fraction dans [0, 1] (80 % vaut 0,8)"),
     C("share_of", "IRI", "the budget (rkg:Budget) the share is taken of", "le budget (rkg:Budget) dont la part est prise"),
     C("frequency", "concept", f"{CONCEPT} frequency (per-year, per-month…)", f"{CONCEPT_FR} frequency (périodicité)"),
     C("start", "date", "start date (schema:startDate; year, year-month or date)", "date de début (schema:startDate ; année, année-mois ou date)"),
     C("end", "date", "end date (schema:endDate)", "date de fin (schema:endDate)"),
     C("period_fr", "string", "period as the booklet words it", "période telle que le recueil la formule"),
     C("purpose_fr", "string", "what the money is for (French)", "objet du financement (français)"),
     C("breakdown_of", "IRI", "the line this one details: it stays out of sums", "la ligne que celle-ci détaille : elle reste hors des sommes"),
     C("recipient_id", "IRI", "recipient (rkg:recipient)", "bénéficiaire (rkg:recipient)"),
     C("intermediary_id", "IRI", "intermediary that passed the money on (rkg:intermediary)", "intermédiaire qui a relayé les fonds (rkg:intermediary)"),
     C("note", "string", "curator's note (English) where the booklet is vague", "note du curateur (anglais) là où le recueil est flou")),
    f"""SELECT ?id {_cat('e', 'experience')} {_cat('fp', 'funder_id')} {_cat('lv', 'level')}
        {_cat('pg', 'programme')} {_cat('k', 'kind')} {_cat('s', 'status')} {_cat('a', 'amount')} {_cat('amin', 'min_amount')}
        {_cat('amax', 'max_amount')} {_cat('q', 'qualifier')} {_cat('sh', 'share')} {_cat('so', 'share_of')} {_cat('fq', 'frequency')}
        {_cat('sd', 'start')} {_cat('ed', 'end')} {_cat('per', 'period_fr')} {_cat('pu', 'purpose_fr')} {_cat('bo', 'breakdown_of')}
        {_cat('rc', 'recipient_id')} {_cat('im', 'intermediary_id')} {_cat('nt', 'note')}
    WHERE {{
      ?id a rkg:FundingLine .
      OPTIONAL {{ ?e rkg:hasFundingLine ?id }}
      OPTIONAL {{ ?id rkg:funder ?f {_label('f', 'fl')} BIND(CONCAT(STR(?f), "\\t", COALESCE(STR(?fl), "")) AS ?fp) }}
      OPTIONAL {{ ?id rkg:level ?lv0 {_local('lv0', 'lv')} }}
      OPTIONAL {{ ?id rkg:programme ?pg0 {_local('pg0', 'pg')} }}
      OPTIONAL {{ ?id rkg:fundingKind ?k0 {_local('k0', 'k')} }}
      OPTIONAL {{ ?id rkg:fundingStatus ?s0 {_local('s0', 's')} }}
      OPTIONAL {{ ?id rkg:amount ?a }} OPTIONAL {{ ?id rkg:minAmount ?amin }} OPTIONAL {{ ?id rkg:maxAmount ?amax }}
      OPTIONAL {{ ?id rkg:valueQualifier ?q0 {_local('q0', 'q')} }}
      OPTIONAL {{ ?id rkg:share ?sh }} OPTIONAL {{ ?id rkg:shareOf ?so }}
      OPTIONAL {{ ?id rkg:frequency ?fq0 {_local('fq0', 'fq')} }}
      OPTIONAL {{ ?id schema:startDate ?sd }} OPTIONAL {{ ?id schema:endDate ?ed }}
      OPTIONAL {{ ?id rkg:period ?per FILTER(lang(?per) = "fr") }}
      OPTIONAL {{ ?id rkg:purpose ?pu FILTER(lang(?pu) = "fr") }}
      OPTIONAL {{ ?id rkg:breakdownOf ?bo }} OPTIONAL {{ ?id rkg:recipient ?rc }} OPTIONAL {{ ?id rkg:intermediary ?im }}
      OPTIONAL {{ ?id rkg:note ?nt }}
    }} GROUP BY ?id ORDER BY ?experience ?id""",
    joined=("level", "programme", "kind", "status", "qualifier", "frequency"), pairs={"funder_id": "funder_label"})

ACTORS = Table(
    "actors_and_roles", "One row per actor's role in an experience (rkg:ActorRole).", "Une ligne par rôle d'un acteur dans une expérience (rkg:ActorRole).",
    (C("experience", "IRI", E, E_FR),
     C("role_node", "IRI", "IRI of the role node (rkg:ActorRole)", "IRI du nœud de rôle (rkg:ActorRole)"),
     C("agent_id", "IRI", "the actor (person or organisation)", "l'acteur (personne ou organisation)"),
     C("agent_label", "string", "French label of the actor (a person's name)", "libellé français de l'acteur (nom d'une personne)"),
     C("agent_class", "string", "Person or Organisation", "Person (personne) ou Organisation"),
     C("agent_type", "concept", f"{CONCEPT} actor-type (association, commune, company…); empty for people", f"{CONCEPT_FR} actor-type ; vide pour les personnes"),
     C("role_types", "concept list", f"{CONCEPT} role (carrier, funder, partner…), joined", f"{CONCEPT_FR} role (porteur, financeur, partenaire…), joints"),
     C("description_fr", "string", "the role in the curator's words (French)", "le rôle, dans les mots du curateur (français)")),
    f"""SELECT {_cat('e', 'experience')} ?role_node {_cat('ag', 'agent_id')} {_cat('al', 'agent_label')} {_cat('ac', 'agent_class')}
        {_cat('at', 'agent_type')} {_cat('rt', 'role_types')} {_cat('d', 'description_fr')}
    WHERE {{
      ?e a rkg:Experience ; rkg:hasActorRole ?role_node .
      OPTIONAL {{ ?role_node rkg:agent ?ag {_label('ag', 'al')}
                 OPTIONAL {{ ?ag a ?ac0 FILTER(?ac0 IN (rkg:Person, rkg:Organisation)) {_local('ac0', 'ac1')} BIND(REPLACE(?ac1, "^.*#", "") AS ?ac) }}
                 OPTIONAL {{ ?ag rkg:actorType ?at0 {_local('at0', 'at')} }} }}
      OPTIONAL {{ ?role_node rkg:roleType ?rt0 {_local('rt0', 'rt')} }}
      OPTIONAL {{ ?role_node rkg:description ?d FILTER(lang(?d) = "fr") }}
    }} GROUP BY ?role_node ORDER BY ?experience ?role_node""",
    joined=("agent_class", "agent_type", "role_types"))

TERRITORIES = Table(
    "territories", "One row per territory (communes, intercommunalities, départements, régions, parks, foreign places).",
    "Une ligne par territoire (communes, intercommunalités, départements, régions, parcs, lieux étrangers).",
    (C("id", "IRI", "IRI of the territory", "IRI du territoire"),
     C("label", "string", "French label", "libellé français"),
     C("type", "string", "class (Commune, Departement, Region, Intercommunality, ProjectArea…)", "classe (Commune, Departement, Region, Intercommunality, ProjectArea…)"),
     C("insee_code", "string", "official INSEE code (igeo:codeINSEE) of a commune, département or région", "code officiel INSEE (igeo:codeINSEE) d'une commune, d'un département ou d'une région"),
     C("siren", "string", "SIREN number of an intercommunality", "numéro SIREN d'une intercommunalité"),
     C("departement_code", "string", "INSEE code of its département (from the frozen INSEE extract)", "code INSEE de son département (extrait INSEE figé)"),
     C("region_code", "string", "INSEE code of its région", "code INSEE de sa région"),
     C("legal_population", "integer", "legal population (INSEE)", "population légale (INSEE)"),
     C("population_year", "gYear", "census year of that population", "millésime de cette population"),
     C("lat", "decimal", "latitude (WGS84) of a map point (town hall or chef-lieu)", "latitude (WGS84) d'un point pour la carte (mairie ou chef-lieu)"),
     C("long", "decimal", "longitude (WGS84)", "longitude (WGS84)")),
    f"""SELECT ?id {_cat('l', 'label')} {_cat('ty', 'type')} {_cat('code', 'insee_code')} {_cat('sir', 'siren')} {_cat('dc', 'departement_code')}
        {_cat('rc', 'region_code')} {_cat('pop', 'legal_population')} {_cat('py', 'population_year')} {_cat('la', 'lat')} {_cat('lo', 'long')}
    WHERE {{
      ?id a ?c0 . ?c0 rdfs:subClassOf* rkg:Territory . BIND(REPLACE(STR(?c0), "^.*[/#]", "") AS ?ty)
      OPTIONAL {{ ?id rdfs:label ?l0 FILTER(lang(?l0) = "fr") }} OPTIONAL {{ ?id igeo:nom ?l1 }} BIND(COALESCE(?l0, ?l1) AS ?l)
      OPTIONAL {{ ?id igeo:codeINSEE ?code }} OPTIONAL {{ ?id rkg:siren ?sir }}
      OPTIONAL {{ ?id rkg:departementCode ?dc }} OPTIONAL {{ ?id rkg:regionCode ?rc }}
      OPTIONAL {{ ?id rkg:legalPopulation ?pop }} OPTIONAL {{ ?id rkg:populationYear ?py }}
      OPTIONAL {{ ?id wgs84:lat ?la }} OPTIONAL {{ ?id wgs84:long ?lo }}
    }} GROUP BY ?id ORDER BY ?id""",
    joined=("type",))

TECHNOLOGIES = Table(
    "technologies", "One row per technology an experience uses.", "Une ligne par technologie utilisée par une expérience.",
    (C("experience", "IRI", E, E_FR),
     C("technology_id", "IRI", "the technology (concept of scheme tech)", "la technologie (concept du schéma tech)"),
     C("label_fr", "string", "French label", "libellé français"),
     C("label_en", "string", "English label", "libellé anglais")),
    f"""SELECT ?experience ?technology_id (SAMPLE(?lf) AS ?label_fr) (SAMPLE(?le) AS ?label_en)
    WHERE {{ ?experience a rkg:Experience ; rkg:usesTechnology ?technology_id .
             {_skos('technology_id', 'lf')} {_skos('technology_id', 'le', 'en')} }}
    GROUP BY ?experience ?technology_id ORDER BY ?experience ?technology_id""")

SUCCESS_FACTORS = Table(
    "success_factors", "One row per success factor the booklet gives for an experience.", "Une ligne par facteur de réussite que le recueil donne pour une expérience.",
    (C("experience", "IRI", E, E_FR),
     C("node", "IRI", "IRI of the statement (rkg:SuccessFactor)", "IRI de l'énoncé (rkg:SuccessFactor)"),
     C("category", "concept", f"{CONCEPT} success-factor", f"{CONCEPT_FR} success-factor"),
     C("label", "string", "French label of the category", "libellé français de la catégorie"),
     C("label_en", "string", "English label of the category", "libellé anglais de la catégorie"),
     C("description_fr", "string", "the factor in the curator's words (French)", "le facteur, dans les mots du curateur (français)"),
     C("section", "concept list", f"{CONCEPT} section: the booklet section(s) it is drawn from, joined", f"{CONCEPT_FR} section : section(s) du recueil d'où il est tiré, jointes"),
     C("page", "integer", "first page of those sections (estimated from the text edition)", "première page de ces sections (estimée d'après l'édition texte)")),
    f"""SELECT {_cat('e', 'experience')} ?node {_cat('cat', 'category')} {_cat('lf', 'label')} {_cat('le', 'label_en')}
        {_cat('d', 'description_fr')} {_cat('sec', 'section')} (MIN(?pg) AS ?page)
    WHERE {{
      ?e a rkg:Experience ; rkg:hasSuccessFactor ?node .
      OPTIONAL {{ ?node rkg:category ?c . {_local('c', 'cat')} {_skos('c', 'lf')} {_skos('c', 'le', 'en')} }}
      OPTIONAL {{ ?node rkg:description ?d FILTER(lang(?d) = "fr") }}
      OPTIONAL {{ ?node prov:wasDerivedFrom ?src . OPTIONAL {{ ?src rkg:sectionType ?s0 {_local('s0', 'sec')} }} OPTIONAL {{ ?src rkg:startPage ?pg }} }}
    }} GROUP BY ?node ORDER BY ?experience ?node""",
    joined=("category", "section"))

RESULTS = Table(
    "results", "One row per figure (rkg:Indicator) of a result; a result with no figure has one row with empty figure columns.",
    "Une ligne par chiffre (rkg:Indicator) d'un résultat ; un résultat sans chiffre a une ligne aux colonnes de chiffre vides.",
    (C("experience", "IRI", E, E_FR),
     C("node", "IRI", "IRI of the result statement (rkg:Result)", "IRI de l'énoncé de résultat (rkg:Result)"),
     C("description_fr", "string", "the result in the curator's words (French)", "le résultat, dans les mots du curateur (français)"),
     C("indicator", "IRI", "IRI of the figure (rkg:Indicator)", "IRI du chiffre (rkg:Indicator)"),
     C("indicator_label", "string", "what the figure measures (French)", "ce que mesure le chiffre (français)"),
     C("value", "decimal", "the figure, exact as printed", "le chiffre, exact tel qu'imprimé"),
     C("min", "decimal", "lower bound when the booklet gives a range", "borne basse quand le recueil donne une fourchette"),
     C("max", "decimal", "upper bound", "borne haute"),
     C("unit", "string", "unit as the booklet words it (French)", "unité telle que le recueil la formule"),
     C("qualifier", "concept", f"{CONCEPT} qualifier (approximately, more-than…)", f"{CONCEPT_FR} qualifier (précision)"),
     C("ref_date", "date", "date the figure refers to", "date à laquelle se rapporte le chiffre")),
    f"""SELECT {_cat('e', 'experience')} ?node {_cat('d', 'description_fr')} ?indicator {_cat('il', 'indicator_label')}
        {_cat('v', 'value')} {_cat('vmin', 'min')} {_cat('vmax', 'max')} {_cat('u', 'unit')} {_cat('q', 'qualifier')} {_cat('rd', 'ref_date')}
    WHERE {{
      ?e a rkg:Experience ; rkg:hasResult ?node .
      OPTIONAL {{ ?node rkg:description ?d FILTER(lang(?d) = "fr") }}
      OPTIONAL {{ ?node rkg:hasIndicator ?indicator .
                 OPTIONAL {{ ?indicator rdfs:label ?il FILTER(lang(?il) = "fr") }}
                 OPTIONAL {{ ?indicator rkg:value ?v }} OPTIONAL {{ ?indicator rkg:minValue ?vmin }} OPTIONAL {{ ?indicator rkg:maxValue ?vmax }}
                 OPTIONAL {{ ?indicator rkg:unit ?u }} OPTIONAL {{ ?indicator rkg:valueQualifier ?q0 {_local('q0', 'q')} }}
                 OPTIONAL {{ ?indicator rkg:refDate ?rd }} }}
    }} GROUP BY ?node ?indicator ORDER BY ?experience ?node ?indicator""",
    joined=("qualifier",))

TABLES = (EXPERIENCES, FUNDING_LINES, ACTORS, TERRITORIES, TECHNOLOGIES, SUCCESS_FACTORS, RESULTS)


def _sorted_join(value: str) -> str:
    return SEP.join(sorted({v for v in value.split(SEP) if v})) if value else ""


def table_rows(table: Table, select) -> list[list[str]]:
    """Rows of a table; ``select(query)`` returns a list of {var: lexical value} (unbound vars absent)."""
    out = []
    for r in select(sparql_prefixes() + table.query):
        row = dict(r)
        for col in table.joined:
            row[col] = _sorted_join(row.get(col, ""))
        for ids, labels in table.pairs.items():
            pairs: dict[str, str] = {}
            for p in sorted(row.get(ids, "").split(SEP)):
                iri, _, label = p.partition("\t")
                if iri and not pairs.get(iri):
                    pairs[iri] = label
            row[ids], row[labels] = SEP.join(pairs), SEP.join(pairs.values())
        out.append([row.get(c, "") for c in table.header])
    return out


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def dictionary_rows() -> list[list[str]]:
    return [[t.name + ".csv", c.name, c.datatype, c.en, c.fr] for t in TABLES for c in t.columns]


DICTIONARY_HEADER = ["file", "column", "datatype", "description_en", "description_fr"]


def dictionary_markdown() -> str:
    lines = ["# Data dictionary / Dictionnaire des données", "",
             "CSV files: UTF-8, comma-separated, one header row. Entity columns hold full IRIs; concept columns hold the",
             "concept's local name (its IRI is `https://w3id.org/recueil-kg/id/concept/<scheme>/<name>`); several values in",
             f"one cell are sorted and joined with `{SEP.strip()}` (space, bar, space). Empty cell: no value in the graph.", "",
             "Fichiers CSV : UTF-8, séparateur virgule, une ligne d'en-tête. Les colonnes d'entité contiennent des IRI complètes ;",
             "les colonnes de concept, le nom local du concept ; plusieurs valeurs d'une cellule sont triées et jointes par",
             f"`{SEP.strip()}`. Cellule vide : pas de valeur dans le graphe.", ""]
    for t in TABLES:
        lines += [f"## {t.name}.csv", "", t.en, "", t.fr, "", "| column | datatype | description (en) | description (fr) |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.datatype} | {c.en} | {c.fr} |" for c in t.columns]
        lines.append("")
    return "\n".join(lines)
