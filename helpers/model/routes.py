"""The route catalogue: how each route delivers ketamine to the blood.

Each route is one or more *pathways*. A pathway takes a share of every
dose, releases it (all at once, or at a constant rate over ``release_min``)
after a lag, into an absorption site that empties at first-order rate
``ka_per_min`` (intravenous pathways skip this and enter the blood
directly). Of the drug leaving the absorption site, the fraction
``availability`` reaches the blood; the rest is metabolised on the way
(first pass through gut wall and liver).

What kind of pathways a route has is data (``kind`` in ``data/routes.toml``):

* ``intravenous``: the whole dose enters the blood at a constant rate,
  over ``injection_min`` (a bolus) or, for a route with
  ``default_infusion_min``, over a chosen duration (an infusion);
* ``absorbed``: one absorption site (intramuscular, oral, rectal);
* ``mucosal_and_swallowed``: part is absorbed through the mucosa, part is
  swallowed and then follows ``swallowed_route`` (the oral route), first
  pass included. The swallowed fraction is a parameter a learner can vary;
  the mucosal availability is derived so that at the default swallowed
  fraction the route's overall bioavailability equals the published value.
* ``device_session``: a product given as one to ``max_devices`` identical
  devices ``device_interval_min`` apart (the esketamine nasal spray: 28 mg
  per device). Of each device a fraction is absorbed through the nose (less
  for every device after the first) and the rest is swallowed; the
  swallowed part enters the model's liver compartment (``entry``), so its
  hepatic first pass happens inside the disposition model.

A route may fix its drug and disposition model (``drug``, ``model``; the
esketamine product runs on its own published model only).

Labels, colours, nouns and the other facts the course shows about a route
are data too; no module outside this one needs to know a route's key.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.checks import check_choice, check_number, shown
from ..core.parameters import Parameter, load_data_file, parameters_in
from .disposition import DEFAULT_MODEL, MODELS

__all__ = ["Pathway", "Route", "ROUTES", "ROUTE_KEYS", "ROUTE_KINDS", "bioavailability_of", "MAX_DOSE_MG"]

#: Largest dose accepted, mg: a multi-day infusion at anaesthetic rates (2 mg/kg/h for 48 h at
#: 150 kg is 14.4 g; Koppel 1990's intensive-care infusions ran for days) fits below it. A teaching
#: course never needs more, and a bound keeps every number finite.
MAX_DOSE_MG = 20_000.0

ROUTE_KINDS = ("intravenous", "absorbed", "mucosal_and_swallowed", "device_session")


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
    entry: str = "central"    # "central", or "eliminating": the model's liver compartment (portal entry)


def bioavailability_of(pathways) -> float:
    """Overall fraction of a dose that reaches the blood: the shares weighted by their availability.

    Examples
    --------
    >>> bioavailability_of([Pathway("a", 0.5, 0.4, 0.05), Pathway("b", 0.5, 0.2, 0.02)])
    0.30000000000000004
    """
    return sum(p.share * p.availability for p in pathways)


@dataclass(frozen=True)
class Route:
    """A route of administration and the sourced numbers that define it.

    ``source_001`` holds what source 001's bioavailability table says
    (``says``), the studies it names (``studies``) and the row label in the
    course's bioavailability table (``table_row``, empty to leave it out).
    """

    key: str
    label: str
    noun: str
    colour: str
    kind: str
    home_use: bool
    swallowed: bool
    population: str
    source_001: dict
    sources: tuple[str, ...]
    parameters: dict[str, Parameter] = field(repr=False)
    swallowed_route: Route | None = field(default=None, repr=False)
    drug: str = "ketamine"
    model: str | None = None  # a fixed disposition model, or None: any racemic model

    @property
    def fixed_doses_mg(self) -> tuple[float, ...]:
        """The only doses a device product allows (1 to max_devices devices), or () when any dose can be given.

        Examples
        --------
        >>> ROUTES["iv_bolus"].fixed_doses_mg, ROUTES["esketamine_nasal_spray"].fixed_doses_mg
        ((), (28.0, 56.0, 84.0))
        """
        if self.kind != "device_session":
            return ()
        device = self._value("device_mg")
        return tuple(float(device * n) for n in range(1, int(self._value("max_devices")) + 1))

    @property
    def observation_min(self) -> float | None:
        """Minutes a patient must be observed after a dose (a labelled requirement), or None."""
        value = self._value("observation_min")
        return None if value is None else float(value)

    @property
    def disposition_model(self) -> str:
        """The disposition model the route's curves run on: its own (a product's), else the default."""
        return self.model or DEFAULT_MODEL

    @property
    def model_blood(self) -> str:
        """The blood the route's own disposition model describes (``arterial`` for the default model)."""
        return MODELS[self.disposition_model].blood

    @property
    def offers_sampling_site(self) -> bool:
        """True when the curve can be read in arterial or venous blood (its model describes arterial blood)."""
        return self.model_blood == "arterial"

    def check_dose(self, dose_mg) -> float:
        """Validate a dose for this route: any positive amount up to MAX_DOSE_MG, or a device multiple."""
        if not self.fixed_doses_mg:
            return check_number("dose_mg", dose_mg, low=0.0, high=MAX_DOSE_MG, unit="mg")
        allowed = self.fixed_doses_mg
        listed = ", ".join(f"{d:g}" for d in allowed)
        message = (f"dose_mg must be one of {listed} mg for route {self.key!r} "
                   f"({self._value('device_mg'):g} mg per device)")
        try:
            number = check_number("dose_mg", dose_mg, low=0.0, high=MAX_DOSE_MG, unit="mg")
        except ValueError:
            raise ValueError(f"{message}; got {shown(dose_mg)}") from None
        if not any(abs(number - d) < 1e-9 for d in allowed):
            raise ValueError(f"{message}; got {shown(dose_mg)}")
        return number

    def _value(self, name: str, default=None):
        parameter = self.parameters.get(name)
        return default if parameter is None else parameter.value

    @property
    def is_infusion(self) -> bool:
        return self.kind == "intravenous" and "default_infusion_min" in self.parameters

    @property
    def is_intravenous(self) -> bool:
        """The whole dose enters the blood directly (IV bolus or infusion)."""
        return self.kind == "intravenous"

    @property
    def has_swallowed_part(self) -> bool:
        return self.kind == "mucosal_and_swallowed"

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
        return (self.bioavailability - swallowed * self.swallowed_route.bioavailability) / (1.0 - swallowed)

    def bioavailability_at(self, swallowed_fraction: float | None = None) -> float:
        """Overall bioavailability for a given swallowed fraction (split routes; validated).

        Examples
        --------
        >>> ROUTES["sublingual"].bioavailability_at(1.0) == ROUTES["oral"].bioavailability
        True
        """
        if swallowed_fraction is not None:
            swallowed_fraction = self.check_swallowed_fraction(swallowed_fraction)
        return bioavailability_of(self.pathways(swallowed_fraction))

    def absorbed_pathway(self, name: str, share: float, availability: float, prefix: str = "",
                         lag_min: float = 0.0, swallowed: bool | None = None, entry: str = "central") -> Pathway:
        """A pathway through this route's absorption site (numbers under ``prefix`` in the data file)."""
        return Pathway(name=name, share=share, availability=availability,
                       swallowed=self.swallowed if swallowed is None else swallowed,
                       ka_per_min=self._value(f"{prefix}ka_per_min"),
                       lag_min=self._value(f"{prefix}lag_min", 0.0) + lag_min,
                       release_min=self._value(f"{prefix}release_min", 0.0), entry=entry)

    def _device_pathways(self, dose_mg: float) -> tuple[Pathway, ...]:
        n = round(dose_mg / self._value("device_mg"))
        first, factor = self._value("nasal_fraction_first_device"), self._value("later_device_factor")
        found = []
        for i in range(n):
            nasal = first if i == 0 else first * factor
            lag = i * self._value("device_interval_min")
            found.append(self.absorbed_pathway(f"device {i + 1}, nose", nasal / n, 1.0, "mucosal.", lag))
            found.append(self.absorbed_pathway(f"device {i + 1}, swallowed", (1.0 - nasal) / n,
                                               self._value("gut_availability"), "swallowed.", lag,
                                               swallowed=True, entry="eliminating"))
        return tuple(found)

    def pathways(self, swallowed_fraction: float | None = None, infusion_min: float | None = None,
                 dose_mg: float | None = None) -> tuple[Pathway, ...]:
        """The pathways of one dose, for the given options (already validated).

        A device product needs ``dose_mg`` (its pathways depend on how many devices).
        """
        if self.kind == "device_session":
            return self._device_pathways(self.fixed_doses_mg[0] if dose_mg is None else dose_mg)
        if self.is_infusion:
            duration = self.default_infusion_min if infusion_min is None else infusion_min
            return (Pathway("intravenous infusion", 1.0, 1.0, None, 0.0, duration),)
        if self.kind == "intravenous":   # a bolus is injected over a short time, not at an instant
            return (Pathway("intravenous bolus", 1.0, 1.0, None, 0.0, self._value("injection_min", 0.0)),)
        if self.kind == "absorbed":
            return (self.absorbed_pathway(self.label.lower(), 1.0, self.bioavailability),)
        swallowed = self.default_swallowed_fraction if swallowed_fraction is None else swallowed_fraction
        mucosal = self.absorbed_pathway(f"{self.label.lower()} mucosa", 1.0 - swallowed,
                                 self.mucosal_availability, prefix="mucosal.")
        oral = self.swallowed_route
        if "swallowed.ka_per_min" in self.parameters:   # this route's own timing for what is swallowed
            gut = self.absorbed_pathway("swallowed", swallowed, oral.bioavailability, "swallowed.", swallowed=True)
        else:
            gut = oral.absorbed_pathway("swallowed", swallowed, oral.bioavailability)
        return tuple(p for p in (mucosal, gut) if p.share > 0)

    def check_swallowed_fraction(self, value) -> float:
        """Validate a swallowed fraction for this route."""
        if not self.has_swallowed_part:
            split = ", ".join(key for key, route in ROUTES.items() if route.has_swallowed_part)
            raise ValueError(f"swallowed_fraction applies only to routes with a swallowed part "
                             f"({split}); got {value!r} for route {self.key!r}")
        return check_number("swallowed_fraction", value, low=0.0, high=1.0, low_open=False)


def _route(key: str, table: dict, swallowed_route: Route | None = None) -> Route:
    kind = check_choice(f"kind of route {key!r} in routes.toml", table.get("kind"), ROUTE_KINDS)
    return Route(key=key, label=table["label"], noun=table["noun"], colour=table["colour"], kind=kind,
                 home_use=bool(table.get("home_use", False)), swallowed=bool(table.get("swallowed", False)),
                 population=table["population"], source_001=dict(table["source_001"]),
                 sources=tuple(table["sources"]), parameters=parameters_in(table),
                 swallowed_route=swallowed_route, drug=table.get("drug", "ketamine"), model=table.get("model"))


def _load() -> dict[str, Route]:
    tables = load_data_file("routes.toml")
    routes = {key: _route(key, table) for key, table in tables.items()}
    for key, table in tables.items():   # split routes point at the route their swallowed part follows
        if routes[key].has_swallowed_part:
            target = check_choice(f"swallowed_route of route {key!r}", table.get("swallowed_route"), routes)
            routes[key] = _route(key, table, swallowed_route=routes[target])
    return routes


ROUTES: dict[str, Route] = _load()
ROUTE_KEYS: tuple[str, ...] = tuple(ROUTES)
