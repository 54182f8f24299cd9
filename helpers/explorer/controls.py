"""The explorer's widgets, built from the control registry (:data:`~helpers.explorer.settings.CONTROLS`).

:func:`make_controls` builds one widget per control from its kind, label and
options; :func:`make_layout` arranges them (controls on the left, plot and
tables on the right, wrapping below on a narrow screen); :func:`sync_controls`
shows a state in the widgets (values, which controls apply, the device doses
on offer, projector mode).

No slider's range or step ever changes after it is built (a browser snaps a
slider's value to its old step while min, max and step change, which once
turned 0.50 mg/kg into 0.55). The dose has one ladder slider per unit and a
typed value (``controls["dose"]``, in the unit shown: a text box has no step to snap to);
controls that do not apply are hidden, never re-ranged.
"""
from __future__ import annotations

import ipywidgets as widgets

from ..model.routes import ROUTES
from ..presentation.plotting import DISCLAIMER
from ..presentation.widget_tools import set_shown
from .panels import SITE_NOTE, STYLE
from .settings import CONTROLS, DOSE_LADDERS, SETTINGS, SLIDERS, nearest_rung
from .state import ExplorerState, dose_mg_used, shown_controls, swallowed_fraction_for

__all__ = ["make_controls", "make_layout", "sync_controls", "BUTTONS"]

BUTTONS = ("pin", "clear_pins", "share", "load_code", "export")

_STYLE = {"description_width": "initial"}


def _wide(**extra):   # one Layout per control: hiding one must not hide the others
    return widgets.Layout(width="100%", **extra)


def _stacked(widget):
    widget.add_class("krl-stacked")
    return widget


def _build(control, state: ExplorerState):
    kind, label, tooltip = control.kind, control.label, control.tooltip
    if kind == "slider":
        spec = SLIDERS[control.setting]
        kind_class = widgets.IntSlider if spec.whole else widgets.FloatSlider
        value = getattr(state, spec.name)
        value = value if isinstance(value, (int, float)) else spec.low   # per-route values: set by sync
        return _stacked(kind_class(value=value, min=spec.low, max=spec.high, step=spec.step, description=label,
                                   readout_format=spec.fmt, continuous_update=True, style=_STYLE, layout=_wide()))
    if kind == "ladder":
        rungs = DOSE_LADDERS["mg" if control.setting == "dose_mg" else "mg_per_kg"]
        return _stacked(widgets.SelectionSlider(options=[(f"{r:g}", r) for r in rungs], value=rungs[len(rungs) // 2],
                                                readout=False, description=label, continuous_update=True,
                                                style=_STYLE, layout=_wide(flex="1 1 auto")))
    if kind == "choices":
        return _stacked(widgets.SelectionSlider(options=[(f"{o}", o) for o in control.options],
                                                value=getattr(state, control.setting), description=label,
                                                continuous_update=True, style=_STYLE, layout=_wide()))
    if kind == "toggle":
        return widgets.ToggleButtons(options=[(text, value) for text, value, _ in control.options],
                                     value=getattr(state, control.setting), description=label,
                                     tooltips=[tip for _, _, tip in control.options],
                                     style={**_STYLE, "button_width": "6.5em" if len(control.options[0][0]) > 3
                                            else "5em"})
    if kind == "typed":
        typed = widgets.FloatText(value=0.0, description=label, continuous_update=False, tooltip=tooltip,
                                  layout=widgets.Layout(width="5.5em", flex="0 0 auto"))
        typed.add_class("krl-dose-text")
        return typed
    if kind == "flag":
        return widgets.Checkbox(value=getattr(state, control.setting), description=label, tooltip=tooltip or label,
                                indent=False, style=_STYLE, layout=widgets.Layout(width="auto"))
    if kind == "dropdown":
        options = ([(r.label, key) for key, r in ROUTES.items()] if control.setting == "route" else [("-", 0.0)])
        value = state.route if control.setting == "route" else 0.0
        return widgets.Dropdown(options=options, value=value, description=label, style=_STYLE, layout=_wide())
    raise ValueError(f"unknown control kind {kind!r}")   # a registry entry with a typo


def make_controls(state: ExplorerState, case_options: list[tuple[str, str]]) -> dict[str, widgets.Widget]:
    """Every control of the registry, and the case menu, share-code box and buttons."""
    controls = {name: _build(control, state) for name, control in CONTROLS.items()}
    controls.update({
        "case": widgets.Dropdown(options=[("Load a clinical case...", "")] + case_options, value="",
                                 description="Case", style=_STYLE,
                                 layout=widgets.Layout(width="auto", max_width="100%")),
        "code": widgets.Text(value="", placeholder="Paste a share code, press Enter", continuous_update=False,
                             description="Share code", style=_STYLE,
                             layout=widgets.Layout(width="auto", flex="1 1 12em")),
        "pin": widgets.Button(description="Pin curve", icon="thumb-tack",
                              tooltip="Keep the current curve to compare routes"),
        "clear_pins": widgets.Button(description="Clear pins", icon="eraser", tooltip="Remove all pinned curves"),
        "share": widgets.Button(description="Share", icon="link", tooltip="A code (and link) for these settings"),
        "load_code": widgets.Button(description="Load code", icon="upload", tooltip="Load the pasted share code"),
        "export": widgets.Button(description="Export", icon="download",
                                 tooltip="Download the figure (PNG, SVG) or the curves (CSV)"),
    })
    return controls


def make_layout(c: dict, out: dict) -> widgets.Box:
    """Controls on the left (in the registry's order, rows side by side), plot and tables on the right."""
    banner = widgets.HTML(STYLE + f"<div class='krl-banner'>{DISCLAIMER}</div>")
    out["site_note"] = widgets.HTML(f"<div class='krl-site-note'>{SITE_NOTE}</div>")
    column, rows = [], {}
    for name, control in CONTROLS.items():
        if not control.row:
            column.append(c[name])
        elif control.row not in rows:
            rows[control.row] = widgets.HBox([], layout=widgets.Layout(width="100%", flex_flow="row wrap",
                                                                       align_items="flex-end"))
            column.append(rows[control.row])
        if control.row:
            rows[control.row].children += (c[name],)
        if control.lead:         # a row leads with its first control
            (rows[control.row] if control.row else c[name]).add_class("krl-lead")
        if name == "sampling_site":
            column.append(out["site_note"])
    controls = widgets.VBox(column + [out["readouts"]])
    controls.add_class("krl-controls")
    tools = widgets.HBox([c["pin"], c["clear_pins"], c["share"], c["export"], c["case"]],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
    code_row = widgets.HBox([c["code"], c["load_code"]], layout=widgets.Layout(width="100%"))
    plot_col = widgets.VBox([out["plot"], tools, out["share"], code_row, out["message"], out["export"], out["notes"],
                             out["source_panel"]])
    plot_col.add_class("krl-plot-col")
    out["plot"].add_class("krl-plot-frame")
    out["readouts"].add_class("krl-readouts")
    body = widgets.HBox([controls, plot_col], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
    body.add_class("krl-body")
    box = widgets.VBox([banner, body])
    box.add_class("krl-app")
    return box


def _device_options(route_key: str) -> list[tuple[str, float]]:
    device = ROUTES[route_key].parameters.get("device_mg")
    def count(d):
        return f" ({d / device.value:g} device{'s' if d != device.value else ''})" if device else ""
    return [(f"{d:g} mg{count(d)}", d) for d in ROUTES[route_key].fixed_doses_mg]


def sync_controls(c: dict, out: dict, box: widgets.Box, s: ExplorerState) -> None:
    """Show the state ``s`` in the widgets (the caller ignores the change events this causes)."""
    values = {name: getattr(s, control.setting) for name, control in CONTROLS.items()
              if control.kind in ("slider", "choices", "toggle", "flag") and not SETTINGS[control.setting].per_route}
    values.update({"route": s.route, "case": "", "code": "",
                   "dose_slider": nearest_rung(DOSE_LADDERS["mg_per_kg"], s.dose_mg_per_kg),
                   "dose_mg_slider": nearest_rung(DOSE_LADDERS["mg"], s.dose_mg),
                   "dose": s.dose_mg_per_kg if s.dose_unit == "mg_per_kg" else s.dose_mg})
    if ROUTES[s.route].has_swallowed_part:
        values["swallowed_fraction"] = swallowed_fraction_for(s, s.route)
    if ROUTES[s.route].fixed_doses_mg:
        options = _device_options(s.route)
        if list(c["fixed_dose"].options) != options:
            c["fixed_dose"].options = options
        values["fixed_dose"] = dose_mg_used(s)
    shown_now = shown_controls(s)
    for name, value in values.items():
        if name in CONTROLS and CONTROLS[name].kind == "ladder" and not shown_now[name]:
            continue          # a hidden ladder is set when it is shown: one message less per change
        if c[name].value != value:
            c[name].value = value
    for name, shown in shown_now.items():
        set_shown(c[name], shown)
    set_shown(out["site_note"], shown_now["sampling_site"])
    c["interval_h"].disabled = s.n_doses == 1
    if s.projector:
        box.add_class("krl-projector")
    else:
        box.remove_class("krl-projector")
