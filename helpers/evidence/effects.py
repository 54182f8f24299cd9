"""Concentration ranges reported with analgesia, dissociation and anaesthesia.

Typical peak levels after the doses used for each purpose (Zanos 2018
Table 1), each with its citation and the blood it was measured in as far as
the sources say; drawn as shaded bands behind the simulated curves. Not
thresholds and not targets for a patient.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.parameters import Parameter, load_data_file, parameters_in

__all__ = ["EffectRange", "EFFECT_RANGES"]


@dataclass(frozen=True)
class EffectRange:
    """A plasma concentration range reported with a clinical effect, ng/mL; ``blood`` says which blood."""

    key: str
    label: str
    short_label: str
    colour: str
    blood: str
    low_ng_ml: float
    high_ng_ml: float
    sources: tuple[str, ...]
    parameters: dict[str, Parameter]

    def contains(self, conc_ng_ml):
        """True where a concentration lies inside the range."""
        return (conc_ng_ml >= self.low_ng_ml) & (conc_ng_ml <= self.high_ng_ml)


def _load() -> dict[str, EffectRange]:
    ranges = {}
    for key, table in load_data_file("effect_ranges.toml").items():
        numbers = parameters_in(table)
        sources = tuple(dict.fromkeys(s for p in numbers.values() for s in p.source))
        ranges[key] = EffectRange(key=key, label=table["label"], short_label=table["short_label"],
                                  colour=table["colour"], blood=table["blood"],
                                  low_ng_ml=numbers["low_ng_ml"].value,
                                  high_ng_ml=numbers["high_ng_ml"].value, sources=sources,
                                  parameters=numbers)
    return ranges


EFFECT_RANGES: dict[str, EffectRange] = _load()
