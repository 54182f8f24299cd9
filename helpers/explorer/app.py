"""The route explorer: sliders for route, dose and weight beside the plasma curve.

``explore()`` returns a :class:`RouteExplorer`, which displays itself in
JupyterLab and Voila. Every control change re-simulates (well under a
millisecond) and redraws only what changed: the static parts of the figure
(axes, effect bands, pinned curves) are rendered once into a background
that is restored before the live curve is drawn on top (blitting). The
figure is then sent to the browser as a PNG in an ``ipywidgets.Image``.
Everything happens before the control's assignment returns, so tests and
notebooks can read the updated pixels, line and readouts straight away.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import base64
import html
import io
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
from matplotlib.transforms import blended_transform_factory
from PIL import Image

from ..core.checks import check_choice, check_number
from ..evidence.effects import EFFECT_RANGES
from ..model.population import simulate_population
from ..model.routes import ROUTES
from ..model.simulation import simulate
from ..presentation.plotting import (
    BAND_COLOURS,
    DISCLAIMER,
    LINE_STYLES,
    OKABE_ITO,
    ROUTE_COLOURS,
    new_figure,
    nice_ceiling,
    shade_effect_ranges,
    shade_percentile_bands,
)
from ..presentation.source_panel import source_panel_html

__all__ = ["RouteExplorer", "explore", "HOME_ROUTES", "WINDOW_OPTIONS_H"]

HOME_ROUTES = tuple(key for key, route in ROUTES.items() if route.home_use)   # sprays, troches: repeated doses
WINDOW_OPTIONS_H = (1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 72)
DOSE_RANGES = {  # unit: (min, max, step); mg limits cover every mg/kg dose at 10-150 kg
    "mg_per_kg": (0.05, 10.0, 0.05),
    "mg": (0.5, 1500.0, 0.5),
}
GRID_POINTS = 1200           # samples across the time window
BAND_PATIENTS = 300          # simulated patients behind the variability bands (fixed seed)
LOG_FLOOR_NG_ML = 1.0
MAX_PINS = len(LINE_STYLES) * 2

_STYLE = """<style>
.krl-app {font-size: 15px;}
.krl-app .krl-banner {background:#fff3cd; border:1px solid #b58900; padding:4px 10px; border-radius:4px;
  font-weight:bold; color:#3d2f00;}
.krl-app .krl-readouts table {border-collapse: collapse;}
.krl-app .krl-readouts td {padding: 1px 8px 1px 0; vertical-align: top;}
.krl-app .krl-sources {line-height: 1.35;}
.krl-app .krl-sources h4 {margin: 4px 0;}
.krl-app .krl-cite {color:#444; font-style: italic;}
.krl-app img.krl-plot {max-width: 100%; height: auto; display: block;}
.krl-app.krl-projector {font-size: 20px; --jp-widgets-font-size: 20px; --jp-widgets-inline-height: 36px;}
</style>"""


def _hours_text(minutes: float) -> str:
    hours, mins = divmod(int(round(minutes)), 60)
    return f"{hours} h {mins:02d} min"


class RouteExplorer:
    """Interactive dashboard: route, dose, weight and schedule controls, the curve, readouts, sources.

    Parameters
    ----------
    route : str
        Starting route (a key of :data:`helpers.ROUTES`).
    dose_mg_per_kg : float
        Starting dose per kg of body weight (the dose unit starts as mg/kg).
    weight_kg : float
        Starting body weight, 10-150 kg.
    window_h : int
        Starting time window, one of :data:`WINDOW_OPTIONS_H`.
    projector : bool
        Start with large fonts for projection.

    Attributes
    ----------
    controls : dict of ipywidgets
        ``route``, ``dose_unit``, ``dose``, ``weight``, ``infusion_min``,
        ``n_doses``, ``interval_h``, ``swallowed_fraction``, ``window_h``,
        ``log_scale``, ``variability``, ``norketamine``, ``projector``, ``pin``,
        ``clear_pins``.
    figure : matplotlib.figure.Figure
        The figure drawn on (Agg canvas).
    simulation : helpers.Simulation
        The current curve.
    population : helpers.Population or None
        The simulated patients behind the variability bands (when shown).
    """

    def __init__(self, route: str = "iv_infusion", dose_mg_per_kg: float = 0.5, weight_kg: float = 70.0,
                 *, window_h: int = 8, projector: bool = False):
        check_choice("route", route, ROUTES)
        check_number("dose_mg_per_kg", dose_mg_per_kg, low=DOSE_RANGES["mg_per_kg"][0],
                     high=DOSE_RANGES["mg_per_kg"][1], low_open=False, unit="mg/kg")
        check_number("weight_kg", weight_kg, low=10.0, high=150.0, low_open=False, unit="kg")
        if window_h not in WINDOW_OPTIONS_H or isinstance(window_h, bool):
            raise ValueError(f"window_h must be one of {', '.join(map(str, WINDOW_OPTIONS_H))} (hours); "
                             f"got {window_h!r}")
        self._holding = False
        self.population = None
        self.bands = []
        self.pins: list[dict] = []
        self.controls = self._make_controls(route, dose_mg_per_kg, weight_kg, window_h, projector)
        self.figure = new_figure(8.0, 4.6)
        self.ax = self.figure.add_axes([0.085, 0.24, 0.75, 0.67])
        self._band_labels = []
        self._background = None
        self._y_top = None
        self._build_static()
        # The plot is an <img> inside an HTML widget (not ipywidgets.Image) so that it can carry alt
        # text that describes the current curve; `png` keeps the encoded frame for tests and tools.
        self.png = b""
        self.plot = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.readouts = widgets.HTML(layout=widgets.Layout(min_width="300px"))
        self.source_panel = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.widget = self._layout()
        for control in self.controls.values():
            if isinstance(control, widgets.Button):
                continue
            control.observe(self._on_change, names="value")
        self.controls["pin"].on_click(lambda _: self.pin())
        self.controls["clear_pins"].on_click(lambda _: self.clear_pins())
        self._apply_visibility()
        self._restyle(self.controls["projector"].value)
        self.update(full=True)

    # ------------------------------------------------------------------ controls
    def _make_controls(self, route, dose_mg_per_kg, weight_kg, window_h, projector):
        style = {"description_width": "initial"}

        def wide():   # one Layout per control: hiding one must not hide the others
            return widgets.Layout(width="100%")
        low, high, step = DOSE_RANGES["mg_per_kg"]
        chosen = ROUTES[route]
        return {
            "route": widgets.Dropdown(options=[(r.label, key) for key, r in ROUTES.items()], value=route,
                                      description="Route", style=style, layout=wide()),
            "dose_unit": widgets.ToggleButtons(options=[("mg/kg", "mg_per_kg"), ("mg", "mg")],
                                               value="mg_per_kg", description="Dose unit", style=style,
                                               tooltips=["dose per kg body weight", "total dose in mg"]),
            "dose": widgets.FloatSlider(value=dose_mg_per_kg, min=low, max=high, step=step,
                                        description="Dose (mg/kg)", style=style, layout=wide(),
                                        readout_format=".2f", continuous_update=True),
            "weight": widgets.FloatSlider(value=weight_kg, min=10.0, max=150.0, step=1.0,
                                          description="Body weight (kg)", style=style, layout=wide(),
                                          readout_format=".0f", continuous_update=True),
            "infusion_min": widgets.IntSlider(value=int(ROUTES["iv_infusion"].default_infusion_min), min=5,
                                              max=1440, step=5, description="Infusion duration (min)",
                                              style=style, layout=wide(), continuous_update=True),
            "n_doses": widgets.IntSlider(value=1, min=1, max=12, step=1, description="Number of doses",
                                         style=style, layout=wide(), continuous_update=True),
            "interval_h": widgets.FloatSlider(value=8.0, min=1.0, max=24.0, step=0.5,
                                              description="Dose interval (h)", style=style, layout=wide(),
                                              readout_format=".1f", continuous_update=True),
            "swallowed_fraction": widgets.FloatSlider(
                value=chosen.default_swallowed_fraction or 0.5, min=0.0, max=1.0, step=0.05,
                description="Swallowed fraction", style=style, layout=wide(), readout_format=".2f",
                continuous_update=True),
            "window_h": widgets.SelectionSlider(options=[(f"{w}", w) for w in WINDOW_OPTIONS_H],
                                                value=window_h, description="Time window (h)", style=style,
                                                layout=wide(), continuous_update=True),
            "log_scale": widgets.Checkbox(value=False, description="Logarithmic axis",
                                          style=style, indent=False),
            "variability": widgets.Checkbox(
                value=False, description="Variability between patients",
                tooltip="Shade the 5th-95th and 25th-75th percentiles of simulated patients",
                style=style, indent=False, layout=wide()),
            "norketamine": widgets.Checkbox(value=False, description="Show norketamine", style=style,
                                            indent=False),
            "projector": widgets.Checkbox(value=projector, description="Projector mode (large text)",
                                          style=style, indent=False),
            "pin": widgets.Button(description="Pin curve", icon="thumb-tack",
                                  tooltip="Keep the current curve to compare routes"),
            "clear_pins": widgets.Button(description="Clear pins", icon="eraser",
                                         tooltip="Remove all pinned curves"),
        }

    def _layout(self):
        c = self.controls
        banner = widgets.HTML(_STYLE + f"<div class='krl-banner'>{DISCLAIMER}</div>")
        controls = widgets.VBox([c["route"], c["dose_unit"], c["dose"], c["weight"], c["infusion_min"],
                                 c["n_doses"], c["interval_h"], c["swallowed_fraction"], c["window_h"],
                                 c["log_scale"], c["variability"], c["norketamine"], c["projector"],
                                 widgets.HBox([c["pin"], c["clear_pins"]]),
                                 self.readouts],
                                layout=widgets.Layout(width="380px", min_width="320px"))
        self._controls_box = controls
        plot_and_sources = widgets.VBox([self.plot, self.source_panel],
                                        layout=widgets.Layout(flex="1 1 560px", min_width="420px"))
        body = widgets.HBox([controls, plot_and_sources],
                            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        box = widgets.VBox([banner, body])
        box.add_class("krl-app")
        return box

    @contextmanager
    def _hold(self):
        """Change several controls without redrawing for each one."""
        previous, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = previous

    def _apply_visibility(self):
        """Show only the controls that apply to the current route, so no invalid state can be chosen."""
        route = ROUTES[self.controls["route"].value]
        shown = {
            "infusion_min": route.is_infusion,
            "n_doses": route.key in HOME_ROUTES,
            "interval_h": route.key in HOME_ROUTES,
            "swallowed_fraction": route.has_swallowed_part,
        }
        for name, visible in shown.items():
            self.controls[name].layout.display = None if visible else "none"
        self.controls["interval_h"].disabled = self.controls["n_doses"].value == 1

    # ------------------------------------------------------------------ state
    @property
    def dose_mg(self) -> float:
        """Dose per administration in mg, whatever the unit shown."""
        dose = self.controls["dose"].value
        return dose * self.controls["weight"].value if self.controls["dose_unit"].value == "mg_per_kg" else dose

    def simulate_kwargs(self) -> dict:
        """The arguments of :func:`helpers.simulate` for the current settings."""
        c = self.controls
        route = ROUTES[c["route"].value]
        window_min = c["window_h"].value * 60.0
        kwargs = dict(route=route.key, dose_mg=self.dose_mg, weight_kg=c["weight"].value,
                      t_end_min=window_min, dt_min=window_min / GRID_POINTS)
        if route.is_infusion:
            kwargs["infusion_min"] = float(c["infusion_min"].value)
        if route.key in HOME_ROUTES and c["n_doses"].value > 1:
            kwargs.update(n_doses=c["n_doses"].value, interval_min=c["interval_h"].value * 60.0)
        if route.has_swallowed_part:
            kwargs["swallowed_fraction"] = c["swallowed_fraction"].value
        return kwargs

    def describe(self, kwargs: dict | None = None) -> str:
        """Short label of the current settings (or of given simulate() arguments), used for pins."""
        kwargs = self.simulate_kwargs() if kwargs is None else kwargs
        text = f"{ROUTES[kwargs['route']].label} {kwargs['dose_mg']:.3g} mg, {kwargs['weight_kg']:.0f} kg"
        if "infusion_min" in kwargs:
            text += f", over {kwargs['infusion_min']:.0f} min"
        if kwargs.get("n_doses", 1) > 1:
            text += f", {kwargs['n_doses']}x every {kwargs['interval_min'] / 60:.3g} h"
        return text

    # ------------------------------------------------------------------ events
    def _on_change(self, change):
        if self._holding:
            return
        owner = change["owner"]
        c = self.controls
        if owner is c["dose_unit"]:
            self._convert_dose_unit(change["old"], change["new"])
        elif owner is c["route"]:
            self._route_changed()
        elif owner is c["projector"]:
            self._restyle(change["new"])
        self._apply_visibility()
        full = owner in (c["window_h"], c["log_scale"], c["projector"], c["route"])
        self.update(full=full)

    def _convert_dose_unit(self, old_unit, new_unit):
        """Keep the same dose in mg when the unit changes (clamped to the new slider's range)."""
        weight = self.controls["weight"].value
        dose = self.controls["dose"]
        dose_mg = dose.value * weight if old_unit == "mg_per_kg" else dose.value
        low, high, step = DOSE_RANGES[new_unit]
        new_value = dose_mg / weight if new_unit == "mg_per_kg" else dose_mg
        with self._hold():
            # widen first so neither bound clips the value on the way
            dose.min, dose.max = min(low, dose.min), max(high, dose.max)
            dose.value = float(np.clip(new_value, low, high))
            dose.min, dose.max, dose.step = low, high, step
            dose.description = "Dose (mg/kg)" if new_unit == "mg_per_kg" else "Dose (mg)"
            dose.readout_format = ".2f" if new_unit == "mg_per_kg" else ".1f"

    def _route_changed(self):
        route = ROUTES[self.controls["route"].value]
        if route.has_swallowed_part:
            with self._hold():
                self.controls["swallowed_fraction"].value = route.default_swallowed_fraction

    # ------------------------------------------------------------------ pins
    def pin(self):
        """Keep the current curve on the plot, labelled with route, dose and weight."""
        if len(self.pins) >= MAX_PINS:
            self.pins.pop(0)
        sim = self.simulation
        index = len(self.pins)
        self.pins.append({"label": self.describe(), "t_h": sim.t_min / 60.0, "conc": sim.conc_ng_ml.copy(),
                          "colour": ROUTE_COLOURS[sim.route], "style": LINE_STYLES[(index + 1) % len(LINE_STYLES)],
                          "cmax": sim.cmax_ng_ml})
        self.update(full=True)

    def clear_pins(self):
        """Remove every pinned curve."""
        self.pins.clear()
        self.update(full=True)

    # ------------------------------------------------------------------ drawing
    def _restyle(self, projector: bool):
        scale = 1.35 if projector else 1.0
        self._font_scale = scale
        if projector:
            self.widget.add_class("krl-projector")
        else:
            self.widget.remove_class("krl-projector")
        # Same figure size (the image is scaled to its column anyway); larger fonts and margins instead.
        self.ax.set_position([0.10, 0.29, 0.71, 0.62] if projector else [0.085, 0.24, 0.75, 0.67])
        if hasattr(self, "_controls_box"):
            self._controls_box.layout.width = "480px" if projector else "380px"
        self._build_static()

    def _build_static(self):
        """Create axes furniture: effect bands, labels, caption, live artists."""
        scale = getattr(self, "_font_scale", 1.0)
        ax = self.ax
        ax.clear()
        shade_effect_ranges(ax, labels=False)   # labelled outside the axes below
        transform = blended_transform_factory(ax.transAxes, ax.transData)
        self._band_labels = []
        for key, effect in EFFECT_RANGES.items():
            label = ax.text(1.01, np.sqrt(effect.low_ng_ml * effect.high_ng_ml), effect.short_label,
                            transform=transform, va="center", ha="left", fontsize=8.5 * scale,
                            color=BAND_COLOURS[key], clip_on=False, fontweight="bold")
            self._band_labels.append((label, effect))
        ax.set_xlabel("Time after first dose (h)", fontsize=10.5 * scale)
        ax.set_ylabel("Plasma ketamine (ng/mL)", fontsize=10.5 * scale)
        ax.tick_params(labelsize=9.5 * scale)
        ax.grid(True, color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        for text in list(self.figure.texts):
            text.remove()
        self.figure.text(0.01, 0.012, f"{DISCLAIMER}\nShaded: plasma ranges reported for analgesia and "
                         "dissociation (Zanos et al. 2018)\n"
                         "and for anaesthesia (Zanos et al. 2018; Idvall et al. 1979).",
                         fontsize=8.0 * scale, color="#333333", va="bottom")
        (self.line,) = ax.plot([], [], color=OKABE_ITO["black"], lw=2.4, animated=True, zorder=5)
        (self.peak_marker,) = ax.plot([], [], "o", color=OKABE_ITO["black"], ms=6 * scale, animated=True, zorder=6)
        (self.norketamine_line,) = ax.plot([], [], color=OKABE_ITO["black"], lw=1.8, ls="--", animated=True,
                                           zorder=5)
        self.overlay_note = ax.text(0.01, 0.97, "", transform=ax.transAxes, va="top", ha="left",
                                    fontsize=8.5 * scale, color="#222222", zorder=7,
                                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="#bbbbbb", alpha=0.85))
        self.bands = []
        self.title = ax.set_title("", fontsize=11 * scale, loc="left")
        self.title.set_animated(True)   # changes with every setting: drawn live, not in the background
        self._pin_lines = []
        self._background = None
        self._y_top = None

    def _update_overlays(self, sim, kwargs):
        """Variability bands (percentiles of simulated patients) and the norketamine curve."""
        c = self.controls
        for band in self.bands:
            band.remove()
        self.bands = []
        notes, peak = [], sim.cmax_ng_ml
        t_h = sim.t_min / 60.0
        if c["variability"].value:
            options = {k: v for k, v in kwargs.items() if k not in ("route", "dose_mg", "weight_kg")}
            self.population = simulate_population(kwargs["route"], kwargs["dose_mg"], kwargs["weight_kg"],
                                                  n_patients=BAND_PATIENTS, seed=0, **options)
            floor = LOG_FLOOR_NG_ML * 0.5 if c["log_scale"].value else 0.0
            self.bands, (p5, p25, p75, p95) = shade_percentile_bands(
                self.ax, self.population, ROUTE_COLOURS[sim.route], floor_ng_ml=floor, animated=True)
            peak = max(peak, float(p95.max()))
            notes.append(f"Bands: middle 50% and 90% of {BAND_PATIENTS} simulated patients")
        else:
            self.population = None
        if c["norketamine"].value:
            nk = sim.norketamine_ng_ml
            self.norketamine_line.set_data(t_h, nk)
            self.norketamine_line.set_color(ROUTE_COLOURS[sim.route])
            peak = max(peak, float(nk.max()))
            notes.append("Dashed: norketamine (metabolite)")
        else:
            self.norketamine_line.set_data([], [])
        self.overlay_note.set_text("\n".join(notes))
        return peak

    def _y_limits_for(self, peak_ng_ml: float) -> float:
        """Upper y limit with hysteresis, so small changes keep the cached background."""
        needed = max(peak_ng_ml, *(p["cmax"] for p in self.pins), 1.0) * 1.08
        if self._y_top is not None and needed <= self._y_top and needed >= 0.3 * self._y_top:
            return self._y_top
        return nice_ceiling(needed)

    def _draw_background(self, window_h: float, y_top: float, log_scale: bool):
        ax = self.ax
        for line in self._pin_lines:
            line.remove()
        self._pin_lines = [ax.plot(p["t_h"], p["conc"], color=p["colour"], ls=p["style"], lw=1.8,
                                   label=p["label"], zorder=4)[0] for p in self.pins]
        ax.set_xlim(0.0, window_h)
        ax.set_yscale("log" if log_scale else "linear")
        ax.set_ylim((LOG_FLOOR_NG_ML, max(y_top, 10.0)) if log_scale else (0.0, y_top))
        bottom, top = ax.get_ylim()
        for label, effect in self._band_labels:
            # centre the label on the part of the band that is visible, if any
            low, high = max(effect.low_ng_ml, bottom), min(effect.high_ng_ml, top)
            label.set_visible(low < high)
            label.set_y(np.sqrt(low * high) if log_scale and low > 0 else (low + high) / 2)
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
        if self.pins:
            ax.legend(loc="upper right", fontsize=8 * self._font_scale, title="Pinned",
                      title_fontsize=8 * self._font_scale, framealpha=0.9)
        self.figure.canvas.draw()
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        self._background_key = (window_h, y_top, log_scale, len(self.pins), self._font_scale,
                                self.overlay_note.get_text())

    def update(self, full: bool = False):
        """Re-simulate and redraw for the current control values."""
        kwargs = self.simulate_kwargs()
        sim = simulate(**kwargs)
        self.simulation = sim
        c = self.controls
        window_h, log_scale = c["window_h"].value, c["log_scale"].value
        y_top = self._y_limits_for(self._update_overlays(sim, kwargs))
        key = (window_h, y_top, log_scale, len(self.pins), self._font_scale, self.overlay_note.get_text())
        t_h = sim.t_min / 60.0
        self.line.set_data(t_h, sim.conc_ng_ml)
        self.line.set_color(ROUTE_COLOURS[sim.route])
        self.peak_marker.set_data([sim.tmax_min / 60.0], [sim.cmax_ng_ml])
        self.peak_marker.set_color(ROUTE_COLOURS[sim.route])
        label = self.describe(kwargs)
        self.title.set_text(label)
        if full or self._background is None or key != self._background_key:
            self._y_top = y_top
            self._draw_background(window_h, y_top, log_scale)
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        self.ax.draw_artist(self.title)
        for band in self.bands:
            self.ax.draw_artist(band)
        if c["norketamine"].value:
            self.ax.draw_artist(self.norketamine_line)
        self.ax.draw_artist(self.line)
        self.ax.draw_artist(self.peak_marker)
        self.png = self._png()
        self.plot.value = self._plot_html(sim, label)
        self.readouts.value = self._readouts_html(sim)
        self.source_panel.value = source_panel_html(sim.route)

    def _png(self) -> bytes:
        """Encode the canvas pixels as PNG (fast settings: the image is re-sent on every change)."""
        buffer = self.figure.canvas.buffer_rgba()
        image = Image.frombuffer("RGBA", (buffer.shape[1], buffer.shape[0]), buffer, "raw", "RGBA", 0, 1)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", compress_level=1)
        return out.getvalue()

    def _plot_html(self, sim, label: str) -> str:
        """The frame as an <img> with alt text that says what the curve shows."""
        alt = (f"Plot of simulated plasma ketamine against time: {label}. Peak "
               f"{sim.cmax_ng_ml:,.0f} ng/mL at {_hours_text(sim.tmax_min)}. Shaded bands mark concentration "
               f"ranges reported for analgesia, dissociation and anaesthesia.")
        data = base64.b64encode(self.png).decode("ascii")
        return (f"<img class='krl-plot' alt='{html.escape(alt, quote=True)}' "
                f"src='data:image/png;base64,{data}'>")

    def _readouts_html(self, sim) -> str:
        rows = [
            ("Peak (Cmax)", f"{sim.cmax_ng_ml:,.0f} ng/mL"),
            ("Time to peak (Tmax)", _hours_text(sim.tmax_min)),
            ("AUC over window", f"{sim.auc_ng_min_ml / 60.0:,.0f} ng&middot;h/mL"),
            ("Bioavailable dose", f"{sim.bioavailable_dose_mg:,.1f} mg of {sim.total_dose_mg:,.1f} mg "
                                  f"({sim.bioavailability:.0%})"),
        ]
        if self.population is not None:
            low, high = np.percentile(self.population.conc_ng_ml.max(axis=1), [5, 95])
            rows.insert(1, ("Peak, middle 90% of patients", f"{low:,.0f}-{high:,.0f} ng/mL"))
        if self.controls["norketamine"].value:
            nk = sim.norketamine_ng_ml
            rows.append(("Norketamine peak", f"{nk.max():,.0f} ng/mL at {_hours_text(sim.t_min[int(np.argmax(nk))])}"))
        for effect in EFFECT_RANGES.values():
            name = html.escape(effect.label.split(' /')[0].lower())
            rows.append((f"Time above {effect.low_ng_ml:,.0f} ng/mL ({name})",
                         _hours_text(sim.time_above_min(effect.low_ng_ml))))
        body = "".join(f"<tr><td>{name}</td><td><b>{value}</b></td></tr>" for name, value in rows)
        return f"<div class='krl-readouts'><table>{body}</table></div>"

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        return f"RouteExplorer({self.describe()})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def explore(route: str = "iv_infusion", dose_mg_per_kg: float = 0.5, weight_kg: float = 70.0,
            **options) -> RouteExplorer:
    """Build the route explorer dashboard (teaching simulation, not dosing guidance).

    Examples
    --------
    >>> app = explore(route="oral", dose_mg_per_kg=0.5, weight_kg=70)
    >>> app.controls["route"].value, round(app.dose_mg, 6)
    ('oral', 35.0)
    >>> app.controls["weight"].value = 50        # the curve follows at once
    >>> round(float(app.line.get_ydata().max()), 6) == round(app.simulation.cmax_ng_ml, 6)
    True
    """
    return RouteExplorer(route=route, dose_mg_per_kg=dose_mg_per_kg, weight_kg=weight_kg, **options)
