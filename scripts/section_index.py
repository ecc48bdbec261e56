"""Print the section index of the booklet (experience, section, lines, estimated page).

A curation aid: its output was reviewed and saved as data/sources/sections.tsv.
Run: python scripts/section_index.py ../shared/recueil/recueil-2018.txt
"""
import re
import sys
import unicodedata
from pathlib import Path

EXPERIENCES = [  # id, number, first page, first line, last line (from the recueil README)
    ("usine-vivante", 1, 9, 353, 552),
    ("faire-compagnie", 2, 12, 553, 713),
    ("petite-sadie", 3, 14, 714, 910),
    ("saint-sulpice", 4, 17, 911, 1116),
    ("bras-sur-meuse", 5, 20, 1117, 1297),
    ("culturecnous", 6, 22, 1298, 1517),
    ("oberbruck", 7, 25, 1518, 1703),
    ("farmbot", 8, 28, 1704, 1910),
    ("kolectiv", 9, 31, 1911, 2122),
    ("manche-lab", 10, 34, 2123, 2287),
    ("sapie", 11, 36, 2288, 2507),
    ("soho-solo", 12, 39, 2508, 2789),
    ("codi-n-camp", 13, 43, 2790, 2982),
    ("drive-bois-anjou", 14, 46, 2983, 3195),
    ("digifermes", None, 49, 3196, 3369),
    ("rezo-pouce", None, 52, 3370, 3660),
    ("digital-villages", 15, 56, 3661, 3890),
]
NEXT_PAGE = 59  # first page after the last experience (synthesis table)

HEADINGS = [  # (regex on the normalised heading line, section key)
    (r"^contexte de depart$", "context"),
    (r"^objectifs?$", "objectives"),
    (r"^description du projet et des activites$", "description"),
    (r"^(les )?grandes etapes de (la )?mise en oeuvre$", "milestones"),
    (r"^mode de gouvernance et ingenierie$", "governance"),
    (r"^budget et financements$", "budget"),
    (r"^resultats et (les )?retombees$", "results"),
    (r"^qu.?apporte le numerique \?$", "digital"),
    (r"^leviers et (conditions|facteurs) de reussite$", "levers"),
    (r"^points d.?attention, leviers$", "levers-attention"),
    (r"^points d.?attention et conditions$", "attention-levers"),
    (r"^conditions de reussite$", "levers-attention"),
    (r"^freins et atouts$", "obstacles"),
    (r"^freins et points d.?attention$", "obstacles"),
    (r"^freins, leviers et atouts$", "obstacles-levers"),
    (r"^points d.?attention$", "obstacles"),
    (r"^projets( a venir)?$", "projects"),
    (r"^(coordonnees, )?contacts?$", "contacts"),
    (r"^zoom sur.*$", "zoom"),
]


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.replace("œ", "oe")).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", s.strip().lower())


def main(path: str) -> None:
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    print("experience\tsection\tfirst_line\tlast_line\tpage_estimate\tfirst_page\tlast_page")
    for i, (eid, _num, page, first, last) in enumerate(EXPERIENCES):
        last_page = (EXPERIENCES[i + 1][2] if i + 1 < len(EXPERIENCES) else NEXT_PAGE) - 1
        found = [("lead", first)]
        seen = set()
        for n in range(first, last + 1):
            t = norm(lines[n - 1])
            for rx, key in HEADINGS:
                if re.match(rx, t) and key not in seen:
                    seen.add(key)
                    found.append((key, n))
                    break
        per_page = (last - first + 1) / (last_page - page + 1)
        for j, (key, start) in enumerate(found):
            end = found[j + 1][1] - 1 if j + 1 < len(found) else last
            est = page + int((start - first) / per_page)
            print(f"{eid}\t{key}\t{start}\t{end}\t{est}\t{page}\t{last_page}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/recueil/recueil-2018.txt")
