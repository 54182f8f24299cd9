"""Sourced numbers: every model number is a value with a unit, a citation and a status.

The data files in ``helpers/data`` store each number as a TOML inline table::

    cl_l_per_h_70kg = {value = 84.0, unit = "L/h", source = "kamp2020",
                       status = "measured", note = "..."}

``status`` says how the number came about:

* ``measured``: reported by the cited study;
* ``derived``: computed from reported numbers (the note shows how);
* ``borrowed``: measured in a related setting (another enantiomer, formulation
  or population) and used here because nothing closer is published;
* ``assumed``: no published value exists; the note states the assumption.

An optional ``confirmed`` says where the value itself was read, when that is
less than the paper (for example "public code transcriptions only").
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Parameter", "STATUSES", "DATA_DIR_VARIABLE", "load_data_file", "parameters_in"]

#: Environment variable naming another data folder (a full copy of ``helpers/data``); the tests
#: use it to prove that a new route needs data files only.
DATA_DIR_VARIABLE = "KETAMINE_LAB_DATA"

STATUSES = ("measured", "derived", "borrowed", "assumed")


@dataclass(frozen=True)
class Parameter:
    """One number of the model with its provenance."""

    name: str
    value: float
    unit: str
    source: tuple[str, ...]
    status: str
    note: str = ""
    low: float | None = None
    high: float | None = None
    confirmed: str = ""

    @classmethod
    def from_table(cls, name: str, table: dict) -> Parameter:
        missing = {"value", "unit", "source", "status"} - table.keys()
        if missing:
            raise ValueError(f"parameter {name!r} lacks {sorted(missing)} in its data file")
        if table["status"] not in STATUSES:
            raise ValueError(f"parameter {name!r} has status {table['status']!r}; "
                             f"must be one of {STATUSES}")
        source = table["source"]
        return cls(name=name, value=float(table["value"]), unit=table["unit"],
                   source=tuple([source] if isinstance(source, str) else source),
                   status=table["status"], note=table.get("note", ""),
                   low=table.get("low"), high=table.get("high"), confirmed=table.get("confirmed", ""))


def load_data_file(filename: str) -> dict:
    """Parse one TOML file shipped in ``helpers/data`` (or in the folder ``$KETAMINE_LAB_DATA`` names)."""
    folder = os.environ.get(DATA_DIR_VARIABLE)
    path = Path(folder, filename) if folder else resources.files("helpers").joinpath("data", filename)
    with path.open("rb") as handle:
        return tomllib.load(handle)


def parameters_in(table: dict, prefix: str = "") -> dict[str, Parameter]:
    """Every sourced number found (recursively) in a parsed TOML table.

    A sub-table holding a ``value`` key is a number; other sub-tables are
    walked into and their keys joined with dots.
    """
    found: dict[str, Parameter] = {}
    for key, item in table.items():
        if not isinstance(item, dict):
            continue
        name = f"{prefix}{key}"
        if "value" in item:
            found[name] = Parameter.from_table(name, item)
        else:
            found.update(parameters_in(item, prefix=f"{name}."))
    return found
