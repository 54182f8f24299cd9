"""The route catalogue: how each route delivers ketamine to the blood.

Each route is one or more *pathways*. A pathway takes a share of every
dose, releases it (all at once, or at a constant rate over ``release_min``)
after a lag, into an absorption site that empties at first-order rate
``ka_per_min`` (intravenous pathways skip this and enter the blood
directly). Of the drug leaving the absorption site, the fraction
``availability`` reaches the blood; the rest is metabolised on the way
(first pass through gut wall and liver).

Intranasal and sublingual doses are split: part is absorbed through the
mucosa, part is swallowed and then follows the oral route, first pass
included. The swallowed fraction is a parameter a learner can vary; the
mucosal availability is derived so that at the default swallowed fraction
the route's overall bioavailability equals the published value.

Numbers live in ``data/routes.toml`` with their sources.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .checks import check_number
from .parameters import Parameter, load_data_file, parameters_in

__all__ = ["Pathway", "Route", "ROUTES", "ROUTE_KEYS"]


@dataclass(frozen=True)
class Pathway:
    """One way a share of each dose reaches the blood."""

    name: str
    share: float              # fraction of each dose that takes this pathway
    availability: float       # fraction of that share reaching the blood
    ka_per_min: float | None  # None: straight into the blood
    lag_min: float = 0.0
    release_min: float = 0.0
    swallowed: bool = False   # absorbed from the gut: meets the oral first pass


@dataclass(frozen=True)
class Route:
    """A route of administration and the sourced numbers that define it."""

    key: str
    label: str
    sources: tuple[str, ...]
    parameters: dict[str, Parameter] = field(repr=False)
    oral: "Route | None" = field(default=None, repr=False)

    def _value(self, name: str, default=None):
        parameter = self.parameters.get(name)
        return default if parameter is None else parameter.value

    @property
    def is_infusion(self) -> bool:
        return "default_infusion_min" in self.parameters

    @property
    def is_intravenous(self) -> bool:
        """The whole dose enters the blood directly (IV bolus or infusion)."""
        return not self.has_swallowed_part and "ka_per_min" not in self.parameters

    @property
    def has_swallowed_part(self) -> bool:
        return "swallowed_fraction" in self.parameters

    @property
    def bioavailability(self) -> float:
        """Overall fraction of a dose reaching the blood at default settings, in (0, 1]."""
        return self._value("bioavailability", 1.0)

    @property
    def bioavailability_range(self) -> tuple[float, float]:
        """Published range of the bioavailability (low, high)."""
        parameter = self.parameters.get("bioavailability")
        if parameter is None or parameter.low is None:
            return (self.bioavailability, self.bioavailability)
        return (parameter.low, parameter.high)

    @property
    def default_swallowed_fraction(self) -> float | None:
        return self._value("swallowed_fraction")

    @property
    def default_infusion_min(self) -> float | None:
        return self._value("default_infusion_min")

    @property
    def mucosal_availability(self) -> float | None:
        """Availability of the mucosal share, derived from the overall value (split routes)."""
        if not self.has_swallowed_part:
            return None
        swallowed = self.default_swallowed_fraction
        return (self.bioavailability - swallowed * self.oral.bioavailability) / (1.0 - swallowed)

    def bioavailability_at(self, swallowed_fraction: float | None = None) -> float:
        """Overall bioavailability for a given swallowed fraction (split routes)."""
        return sum(p.share * p.availability for p in self.pathways(swallowed_fraction))

    def _absorbed(self, name: str, share: float, availability: float, prefix: str = "",
                  swallowed: bool = False) -> Pathway:
        return Pathway(name=name, share=share, availability=availability, swallowed=swallowed,
                       ka_per_min=self._value(f"{prefix}ka_per_min"),
                       lag_min=self._value(f"{prefix}lag_min", 0.0),
                       release_min=self._value(f"{prefix}release_min", 0.0))

    def pathways(self, swallowed_fraction: float | None = None,
                 infusion_min: float | None = None) -> tuple[Pathway, ...]:
        """The pathways of one dose, for the given options (already validated)."""
        if self.is_infusion:
            duration = self.default_infusion_min if infusion_min is None else infusion_min
            return (Pathway("intravenous infusion", 1.0, 1.0, None, 0.0, duration),)
        if "ka_per_min" not in self.parameters and not self.has_swallowed_part:
            return (Pathway("intravenous bolus", 1.0, 1.0, None),)
        if not self.has_swallowed_part:
            return (self._absorbed(self.label.lower(), 1.0, self.bioavailability,
                                   swallowed=self.key == "oral"),)
        swallowed = self.default_swallowed_fraction if swallowed_fraction is None else swallowed_fraction
        mucosal = self._absorbed(f"{self.label.lower()} mucosa", 1.0 - swallowed,
                                 self.mucosal_availability, prefix="mucosal.")
        gut = self.oral._absorbed("swallowed", swallowed, self.oral.bioavailability, swallowed=True)
        return tuple(p for p in (mucosal, gut) if p.share > 0)

    def check_swallowed_fraction(self, value) -> float:
        """Validate a swallowed fraction for this route."""
        if not self.has_swallowed_part:
            raise ValueError(f"swallowed_fraction applies only to routes with a swallowed part "
                             f"(intranasal, sublingual); got {value!r} for route {self.key!r}")
        return check_number("swallowed_fraction", value, low=0.0, high=1.0, low_open=False)


def _load() -> dict[str, Route]:
    tables = load_data_file("routes.toml")
    routes: dict[str, Route] = {}
    for key, table in tables.items():
        routes[key] = Route(key=key, label=table["label"], sources=tuple(table["sources"]),
                            parameters=parameters_in(table))
    oral = routes["oral"]
    for key, route in routes.items():
        if route.has_swallowed_part:
            routes[key] = Route(key=key, label=route.label, sources=route.sources,
                                parameters=route.parameters, oral=oral)
    return routes


ROUTES: dict[str, Route] = _load()
ROUTE_KEYS: tuple[str, ...] = tuple(ROUTES)
