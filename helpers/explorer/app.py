"""The route explorer: sliders for route, dose and weight beside the plasma curve.

``explore()`` returns a :class:`RouteExplorer`, which displays itself in
JupyterLab and Voila. The explorer is four small parts with one job each:
:mod:`.state` (every control value and plain functions on it, including the
mapping to :func:`helpers.simulate`), :mod:`.curves` and :mod:`.drawing`
(what to show and the fast cached figure), :mod:`.panels` and :mod:`.export`
(readouts, comparison table, notes, downloads) and this module, which only
wires widgets to the state. Every change is handled before the control's
assignment returns, so code and tests can read the new curve, pixels and
readouts straight away.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import asyncio
import base64
import html
import zlib
from pathlib import Path

import ipywidgets as widgets
from IPython import get_ipython

from ..evidence.cases import CASES
from ..model.routes import ROUTES
from ..presentation.plotting import LINE_STYLES
from ..presentation.source_panel import source_panel_html
from ..presentation.widget_tools import adopt, close_tree, set_shown
from . import export, share
from .controls import CONTROL_FIELDS, make_controls, make_layout
from .curves import CurveCache, build_scene
from .drawing import PlotCanvas
from .panels import (
    caption_html,
    comparison_html,
    comparison_rows,
    notes_html,
    plot_html,
    readouts_html,
)
from .state import (
    DOSE_LADDERS,
    MAX_PINS,
    SLIDERS,
    ExplorerState,
    apply_change,
    check_setting,
    curve_kwargs,
    default_state,
    describe,
    dose_mg_used,
    fixed_doses_mg,
    nearest_rung,
    shown_controls,
    simulate_kwargs,
    state_from_settings,
    swallowed_fraction_for,
)

__all__ = ["RouteExplorer", "explore", "load_case_state"]

#: Line styles of pinned curves (indices of LINE_STYLES), in order of use: dash-dot and long dashes first,
#: because dashed and dotted mark the live curve's norketamine and effect site.
PIN_STYLES = tuple(sorted(range(len(LINE_STYLES)), key=lambda i: (LINE_STYLES[i] in ("--", ":", "-"), i)))
# "plot" holds the frame, the caption and the comparison table: one message per change for all three.
#: Seconds between a new frame and the widgets and text that follow it, for a change made on the page.
FOLLOW_UP_S = 0.02


def _page_event_loop():
    """The kernel's running event loop while it handles a widget message from the page, else None.

    Code run in a cell (an execute request), tests and scripts get None: their changes stay synchronous.
    """
    kernel = getattr(get_ipython(), "kernel", None)
    try:
        if kernel is None or kernel.get_parent("shell")["header"]["msg_type"] != "comm_msg":
            return None
        return asyncio.get_running_loop()
    except (AttributeError, KeyError, LookupError, RuntimeError, TypeError):
        return None


_OUTPUTS = ("plot", "readouts", "share", "message", "export", "notes", "source_panel")


def load_case_state(key: str, base: ExplorerState | None = None) -> ExplorerState:
    """The state of a clinical case: its settings on the defaults, and its pins (display options of ``base`` kept)."""
    if key not in CASES:
        raise ValueError(f"case must be one of {', '.join(repr(k) for k in CASES)}; got {key!r}")
    case = CASES[key]
    start = default_state()
    if base is not None:
        start = apply_change(start, "projector", base.projector)
    state = state_from_settings(start, **case.settings)
    pins = []
    for i, pin in enumerate(case.pins):
        curve = curve_kwargs(state_from_settings(state, **{"sampling_site": state.sampling_site, **pin}))
        pins.append({**curve, "style": PIN_STYLES[i % len(PIN_STYLES)]})
    return apply_change(state, "pins", tuple(pins))


class RouteExplorer:
    """Interactive dashboard: route, dose, weight and schedule controls, the curve, readouts, sources.

    Build it with :func:`explore`. Attributes: ``controls`` (widgets by name), ``state`` (every control
    value and pin, JSON-serialisable), ``simulation`` (the live :class:`helpers.Simulation`), ``scene``
    (everything shown), ``figure`` and ``png`` (the last frame), ``widget`` (what is displayed).
    """

    def __init__(self, state: ExplorerState | None = None, *, case: str = "", origin: str = "", notice: str = ""):
        self._state = state or default_state()
        self._case = case
        self._syncing = False
        self._pending = None      # widgets and text still to update after a change made on the page
        self.origin = origin   # identifies this explore() call in share links
        self._caption = caption_html()
        self.cache = CurveCache()
        self.canvas = PlotCanvas(self._state.projector)
        self.controls = make_controls(self._state, [(c.title, key) for key, c in CASES.items()])
        self.outputs = {name: widgets.HTML(layout=widgets.Layout(width="100%")) for name in _OUTPUTS}
        self.outputs["table"] = self.outputs["plot"]
        self.readouts, self.plot, self.source_panel = (self.outputs[n] for n in ("readouts", "plot", "source_panel"))
        self.widget = make_layout(self.controls, self.outputs)
        for name in CONTROL_FIELDS:
            self.controls[name].observe(lambda change, name=name: self._on_control(name, change["new"]), "value")
        self.controls["case"].observe(self._on_case, "value")
        self.controls["code"].observe(lambda change: self._on_code(change["new"]), "value")
        for name, action in (("pin", self.pin), ("clear_pins", self.clear_pins), ("share", self.show_share),
                             ("export", self.show_export), ("load_code", lambda: self._on_code())):
            self.controls[name].on_click(lambda _, action=action: action())
        self._apply(self._state, case=self._case)
        if notice:
            self._message(notice, error=True)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> dict:
        """Every control value and every pin, as a plain JSON-serialisable dict (with its format version)."""
        return share.versioned_dict(self._state)

    @property
    def simulation(self):
        """The live curve's :class:`helpers.Simulation` (None when the settings give no curve)."""
        return self.scene.live.simulation if self.scene.live is not None else None

    def simulate_kwargs(self) -> dict:
        """The exact arguments of :func:`helpers.simulate` for the current settings."""
        return simulate_kwargs(self._state)

    @property
    def dose_mg(self) -> float:
        """Dose per administration in mg, whatever the unit shown."""
        return dose_mg_used(self._state)

    def describe(self) -> str:
        return describe(self.simulate_kwargs())

    def set(self, **settings) -> None:
        """Change several settings at once (keywords of :func:`explore`), validated, with one redraw."""
        self._apply(state_from_settings(self._state, **settings))

    def load(self, state) -> None:
        """Load a state dict (:attr:`state`) or a share code; a bad one raises ValueError and changes nothing."""
        self._apply(share.decode(state) if isinstance(state, str) else share.state_from_versioned(state))

    def load_case(self, key: str) -> None:
        """Load a clinical case of :data:`helpers.CASES` (its settings and pinned curves)."""
        self._apply(load_case_state(key, self._state), case=key)

    # ------------------------------------------------------------------ events
    def _on_control(self, name: str, value) -> None:
        if self._syncing:
            return
        field = CONTROL_FIELDS[name]
        if field == "dose":   # the typed dose, in the unit shown
            field = "dose_mg" if self._state.dose_unit == "mg" else "dose_mg_per_kg"
        try:
            value = SLIDERS[field].check(value) if field in SLIDERS else value
            if field in ("dose_mg", "dose_mg_per_kg"):
                value = check_setting(field, value, self._state.route)
            new = apply_change(self._state, field, value)
        except ValueError as error:
            self._message(str(error), error=True)
            self._sync_widgets()
            return
        self._apply(new, case=self._case)

    def _on_case(self, change) -> None:
        if self._syncing or not change["new"]:
            return
        self.load_case(change["new"])

    def _on_code(self, text: str | None = None) -> None:
        text = self.controls["code"].value if text is None else text
        if self._syncing or not text.strip():
            return
        try:
            self._apply(share.decode(text))
        except ValueError as error:
            self._message(str(error), error=True)
            return
        self._message("Loaded the shared settings.")

    def _apply(self, state: ExplorerState, case: str = "") -> None:
        """Draw the new state first (the learner waits for the plot), then widgets and text.

        For a change made on the page, widgets and text follow a moment later on the kernel's event
        loop, so the frame reaches the browser alone, and a burst of key presses updates them once.
        Changes made from code are complete before the assignment returns.
        """
        self._state, self._case = state, case
        self._draw()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        loop = _page_event_loop()
        if loop is not None:
            self._pending = loop.call_later(FOLLOW_UP_S, self._follow_up)
        else:
            self._follow_up()

    def _follow_up(self) -> None:
        self._pending = None
        self._message("")
        self._sync_widgets()
        self._panels()

    def _message(self, text: str, error: bool = False) -> None:
        klass = "krl-error" if error else "krl-hint"
        self.outputs["message"].value = f"<div class='{klass}'>{html.escape(text)}</div>" if text else ""

    def _sync_widgets(self) -> None:
        """Show the state in the widgets (without reacting to these assignments)."""
        s, c = self._state, self.controls
        values = {"route": s.route, "dose_unit": s.dose_unit, "weight": s.weight_kg, "infusion_min": s.infusion_min,
                  "n_doses": s.n_doses, "interval_h": s.interval_h, "window_h": s.window_h,
                  "sampling_site": s.sampling_site, "effect_site": s.effect_site, "variability": s.variability,
                  "norketamine": s.norketamine, "log_scale": s.log_scale, "projector": s.projector, "case": "",
                  "code": "", "dose_slider": nearest_rung(DOSE_LADDERS["mg_per_kg"], s.dose_mg_per_kg),
                  "dose_mg_slider": nearest_rung(DOSE_LADDERS["mg"], s.dose_mg),
                  "dose": s.dose_mg_per_kg if s.dose_unit == "mg_per_kg" else s.dose_mg}
        if ROUTES[s.route].has_swallowed_part:
            values["swallowed_fraction"] = swallowed_fraction_for(s, s.route)
        self._syncing = True
        try:
            fixed = fixed_doses_mg(s.route)
            if fixed:
                device = ROUTES[s.route].parameters.get("device_mg")
                count = (lambda d: f" ({d / device.value:g} device{'s' if d != device.value else ''})") \
                    if device else (lambda d: "")
                options = [(f"{d:g} mg{count(d)}", d) for d in fixed]
                if list(c["fixed_dose"].options) != options:
                    c["fixed_dose"].options = options
                values["fixed_dose"] = dose_mg_used(s)
            shown_now = shown_controls(s)
            for name, value in values.items():
                if name in ("dose_slider", "dose_mg_slider") and not shown_now[name]:
                    continue          # a hidden ladder is set when it is shown: one message less per change
                if c[name].value != value:
                    c[name].value = value
            for name, shown in shown_now.items():
                set_shown(c[name], shown)
            set_shown(self.outputs["site_note"], shown_now["sampling_site"])
            c["interval_h"].disabled = s.n_doses == 1
            if s.projector:
                self.widget.add_class("krl-projector")
            else:
                self.widget.remove_class("krl-projector")
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ drawing
    def update(self) -> None:
        """Re-compute and redraw for the current state."""
        self._draw()
        self._panels()

    def _draw(self) -> None:
        scene = build_scene(self._state, self.cache)
        self.scene = scene
        drugs = {getattr(ROUTES[c.kwargs["route"]], "drug", "ketamine") for c in scene.curves} or {"ketamine"}
        png = self.canvas.render(scene, f"Plasma {drugs.pop() if len(drugs) == 1 else 'level'} (ng/mL)")
        size = (int(self.canvas.figure.bbox.width), int(self.canvas.figure.bbox.height))
        self.outputs["plot"].value = (plot_html(base64.b64encode(png).decode("ascii"), scene, size)
                                      + self._caption + comparison_html(scene))

    def _panels(self) -> None:
        scene = self.scene
        self.outputs["readouts"].value = readouts_html(scene)
        self.outputs["notes"].value = notes_html(scene, self._case_html())
        self.outputs["source_panel"].value = source_panel_html(self._state.route)
        for name in ("share", "export"):    # a code or file of the previous settings would mislead
            if self.outputs[name].value:
                self.outputs[name].value = ""

    def _case_html(self) -> str:
        if not self._case:
            return ""
        case = CASES[self._case]
        return (f"<div class='krl-case'><b>Case: {html.escape(case.title)}.</b> {html.escape(case.vignette)} "
                f"<span class='krl-cite'>({html.escape(case.citation())})</span></div>")

    # compatibility with code written for the single-class explorer
    figure = property(lambda self: self.canvas.figure)
    ax = property(lambda self: self.canvas.ax)
    line = property(lambda self: self.canvas.line)
    norketamine_line = property(lambda self: self.canvas.norketamine_line)
    effect_line = property(lambda self: self.canvas.effect_line)
    png = property(lambda self: self.canvas.png)
    bands = property(lambda self: list(self.canvas.bands) if self.scene.bands is not None else [])

    # ------------------------------------------------------------------ pins
    def pin(self) -> None:
        """Keep the current curve on the plot (and in the comparison table)."""
        if self.scene.live is None:
            self._message("There is no curve to pin for these settings.", error=True)
            return
        pins = list(self._state.pins)[-(MAX_PINS - 1):]
        used = {p["style"] for p in pins}
        style = next((i for i in PIN_STYLES if i not in used), PIN_STYLES[len(pins) % len(PIN_STYLES)])
        pins.append({**curve_kwargs(self._state), "style": style})
        self._apply(apply_change(self._state, "pins", tuple(pins)), case=self._case)

    def clear_pins(self) -> None:
        """Remove every pinned curve."""
        self._apply(apply_change(self._state, "pins", ()), case=self._case)

    # ------------------------------------------------------------------ compare, share, export
    def comparison_table(self) -> list[dict]:
        """The comparison table's rows as data: one dict per visible curve (live first, then pins)."""
        return comparison_rows(self.scene)

    def share_code(self) -> str:
        """A short text code that restores every control value and pin (:meth:`load` or ``explore(state=...)``)."""
        return share.encode(self._state)

    def show_share(self) -> None:
        code = self.share_code()
        link = share.share_link(code, self.origin)
        where = (f"<a href='{html.escape(link, quote=True)}' target='_blank' class='krl-share-link'>Link to these "
                 f"settings</a> (opens this page with them). " if link else "")
        self.outputs["share"].value = (f"<div class='krl-share'>{where}Share code: <code class='krl-code'>"
                                       f"{html.escape(code)}</code> <span class='krl-hint'>paste it into the box "
                                       f"below, or into <code>explore(state=...)</code>.</span></div>")

    def csv_text(self) -> str:
        """The CSV export as text (see :meth:`export_csv`)."""
        scene = self.scene
        lines = [f"live curve: {scene.live.label}" if scene.live else "no live curve"]
        lines += [f"pinned curve: {c.label}" for c in scene.pins]
        lines += [f"time window: {self._state.window_h} h; share code: {self.share_code()}"]
        return export.csv_text(scene, tuple(lines))

    def export_csv(self, path) -> Path:
        """Write the time and every visible curve as CSV (units in the header, settings in # lines)."""
        path = Path(path)
        path.write_text(self.csv_text(), encoding="utf-8")
        return path

    def export_png(self, path, dpi: int = 150) -> Path:
        """Write the figure for slides as PNG (title, legend, caption and disclaimer included)."""
        path = Path(path)
        path.write_bytes(export.figure_bytes(self.scene, "png", dpi=dpi))
        return path

    def export_svg(self, path) -> Path:
        """Write the figure as SVG (text stays text, for print and editing)."""
        path = Path(path)
        path.write_bytes(export.figure_bytes(self.scene, "svg"))
        return path

    def show_export(self) -> None:
        stem = f"ketamine-{self._state.route}-{zlib.crc32(self.share_code().encode()) & 0xFFFF:04x}"
        links = [export.download_link(export.figure_bytes(self.scene, "png"), f"{stem}.png", "Figure (PNG)"),
                 export.download_link(export.figure_bytes(self.scene, "svg"), f"{stem}.svg", "Figure (SVG)"),
                 export.download_link(self.csv_text().encode("utf-8"), f"{stem}.csv", "Curves (CSV)")]
        self.outputs["export"].value = (f"<div class='krl-export'>Download: {' '.join(links)}"
                                        f"<span class='krl-hint'>(the curves shown now)</span></div>")

    # ------------------------------------------------------------------ display
    def close(self) -> None:
        """Close every widget of the explorer (it stops working and its memory is freed).

        Done for you when the notebook cell that made the explorer runs again.
        """
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        close_tree(self.widget)

    def __repr__(self) -> str:
        return f"RouteExplorer({self.describe()})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def explore(route: str | None = None, dose_mg_per_kg: float | None = None, weight_kg: float | None = None, *,
            state=None, case: str | None = None, **settings) -> RouteExplorer:
    """Build the route explorer dashboard (teaching simulation, not dosing guidance).

    Starting values: ``route``, ``dose_mg_per_kg`` or ``dose_mg``, ``weight_kg``, ``infusion_min``,
    ``n_doses``, ``interval_h``, ``swallowed_fraction``, ``window_h``, ``sampling_site``
    (``"venous"`` or ``"arterial"``), ``effect_site``, ``variability``, ``norketamine``,
    ``log_scale``, ``projector``; or a whole ``state`` (``app.state`` or a share code); or a
    clinical ``case`` (a key of :data:`helpers.CASES`), with starting values on top if given.
    Bad values raise ``ValueError`` (or ``TypeError`` for an unknown keyword) naming the
    parameter, the value and the valid range.

    In Voila, a page opened from a share link (``?state=<code>``) starts from that code instead.

    Examples
    --------
    >>> app = explore(route="oral", dose_mg_per_kg=0.5, weight_kg=70)
    >>> app.controls["route"].value, app.dose_mg
    ('oral', 35.0)
    >>> app.controls["weight"].value = 50        # the curve follows at once
    >>> round(float(app.line.get_ydata().max()), 6) == round(app.simulation.cmax_ng_ml, 6)
    True
    """
    given = {k: v for k, v in (("route", route), ("dose_mg_per_kg", dose_mg_per_kg), ("weight_kg", weight_kg))
             if v is not None}
    given.update(settings)
    if state is not None and case is not None:
        raise ValueError(f"give a state or a case, not both; got state={state!r:.40} and case={case!r}")
    if state is not None:
        start = share.decode(state) if isinstance(state, str) else share.state_from_versioned(state)
    elif case is not None:
        start = load_case_state(case)
    else:
        start = None
    start = state_from_settings(start, **given)   # starting values on top of a state or case
    origin = f"{zlib.crc32(repr((sorted(given.items()), state, case)).encode()) & 0xFFFFFF:06x}"
    code, wanted = share.code_from_query()
    notice = ""
    if code and wanted in ("", origin):   # a share link for this explorer (or for any, if it names none)
        try:
            start, case = share.decode(code), None
        except ValueError as error:
            notice = f"The link's settings could not be loaded, so the explorer starts as the notebook set it: {error}"
    app = RouteExplorer(start, case=case or "", origin=origin, notice=notice)
    adopt(app)        # closed when its cell runs again (its output is replaced then)
    return app

