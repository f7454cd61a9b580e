"""Morocco's regions and provinces, shipped as reference data in data/regions.yaml."""

from importlib import resources

import sqlalchemy as sa
import yaml

from ..extensions import db
from ..models import Province, Region


def load_reference_regions() -> tuple[int, int]:
    """Insert or update the shipped regions and provinces; return how many of each exist."""
    text = resources.files("depomi_learn").joinpath("data/regions.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    provinces = {p.code: p for p in db.session.scalars(sa.select(Province))}
    for entry in data["regions"]:
        region = regions.get(entry["code"]) or Region(code=entry["code"])
        region.number = entry["number"]
        region.name_fr, region.name_ar = entry["fr"], entry["ar"]
        region.name_en = entry.get("en") or entry["fr"]
        region.is_programme = bool(entry.get("programme"))
        db.session.add(region)
        for item in entry["provinces"]:
            province = provinces.get(item["code"]) or Province(code=item["code"])
            province.region = region
            province.kind = item["kind"]
            province.name_fr, province.name_ar = item["fr"], item["ar"]
            db.session.add(province)
    db.session.flush()
    return (
        db.session.execute(sa.select(sa.func.count(Region.id))).scalar_one(),
        db.session.execute(sa.select(sa.func.count(Province.id))).scalar_one(),
    )
