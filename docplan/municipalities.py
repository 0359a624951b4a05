"""The register of Norwegian municipalities valid from 2024-01-01 (357), shipped inside the package."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class MunicipalityInfo:
    """One row of the register: *kommunenummer*, name and county."""

    number: str
    name: str
    county: str
    county_number: str


@lru_cache(maxsize=1)
def municipality_register() -> dict[str, MunicipalityInfo]:
    """Return the 2024 register keyed by four-digit kommunenummer."""
    text = resources.files("docplan.data").joinpath("kommuner-2024.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {
        r["kommunenummer"]: MunicipalityInfo(r["kommunenummer"], r["navn"], r["fylke"], r["fylkesnummer"])
        for r in rows
    }


def lookup_municipality(number: str) -> MunicipalityInfo | None:
    """Return the municipality with this number, or None when it is not valid in 2024."""
    return municipality_register().get(str(number).strip())
