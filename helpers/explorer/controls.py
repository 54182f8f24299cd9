"""The explorer's widgets: one per control, built from the specs in :mod:`.state`, and their layout.

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
from .state import DOSE_LADDERS, DOSE_UNIT_LABELS, SLIDERS, WINDOW_OPTIONS_H, ExplorerState

__all__ = ["make_controls", "make_layout", "CONTROL_FIELDS", "STYLE", "SITE_NOTE", "BUTTONS"]

#: Control name -> the state field (and explore() keyword) it sets.
CONTROL_FIELDS = {
    "route": "route", "dose_unit": "dose_unit", "dose": "dose", "dose_slider": "dose_mg_per_kg",
    "dose_mg_slider": "dose_mg", "fixed_dose": "fixed_dose_mg", "weight": "weight_kg", "infusion_min": "infusion_min",
    "n_doses": "n_doses", "interval_h": "interval_h", "swallowed_fraction": "swallowed_fraction",
    "window_h": "window_h", "sampling_site": "sampling_site", "effect_site": "effect_site",
    "variability": "variability", "norketamine": "norketamine", "log_scale": "log_scale", "projector": "projector",
}
BUTTONS = ("pin", "clear_pins", "share", "load_code", "export")

SITE_NOTE = ("Venous: a forearm vein, where the shaded ranges and most route studies were measured. "
             "Arterial: the model's own blood, ahead of venous while the level rises.")

# An HTML widget's content is a flex item whose minimum width is, by default, its widest unbreakable content
# (the comparison table's rows): in the plot column it may shrink, so the frame fits and the table scrolls.
STYLE = """<style>
.krl-app {font-size: 14px; --krl-controls: 330px;}
.krl-app .krl-banner {background:#fff3cd; border:1px solid #b58900; padding:3px 10px; border-radius:4px;
  font-weight:bold; color:#3d2f00; margin-bottom: 4px;}
.krl-app .krl-controls {width: var(--krl-controls); min-width: var(--krl-controls); margin-right: 10px;}
.krl-app .krl-stacked.widget-slider, .krl-app .krl-stacked.widget-hslider {flex-wrap: wrap; height: auto;}
.krl-app .krl-stacked > .widget-label {flex: 1 0 100%; max-width: none; width: auto; text-align: left;}
.krl-app .krl-stacked > .slider-container {flex: 1 1 auto; min-width: 60px;}
.krl-app .krl-dose-text input {text-align: right;}
.krl-app .krl-dose-text .widget-label {position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); margin: 0; padding: 0;}
.krl-app .krl-site-note, .krl-app .krl-hint {font-size: 0.86em; color: #444; line-height: 1.25;}
.krl-app .krl-readouts-title {font-weight: bold; margin-top: 6px;}
.krl-app .krl-readout-table {border-collapse: collapse; width: 100%;}
.krl-app .krl-readout-table td {padding: 1px 6px 1px 0; vertical-align: top;}
.krl-app .krl-readout-table td:last-child {white-space: nowrap; text-align: right;}
.krl-app .widget-html-content {line-height: 1.35;}
.krl-app .krl-readout-table td:last-child {font-weight: bold;}
.krl-app .krl-plot-col {flex: 1 1 480px; min-width: 360px;}
.krl-app .krl-plot-col .widget-html-content {min-width: 0;}
.krl-app img.krl-plot {width: 100%; max-width: 660px; height: auto; display: block;}
.krl-app.krl-projector img.krl-plot {max-width: 990px;}
.krl-app .krl-caption {font-size: 0.86em; color: #333; margin: 2px 0 4px 0;}
.krl-app .krl-table-wrap {overflow-x: auto;}
.krl-app table.krl-compare {border-collapse: collapse; font-size: 0.86em; margin-top: 4px;}
.krl-app table.krl-compare th, .krl-app table.krl-compare td {padding: 2px 6px; border-bottom: 1px solid #ddd;
  text-align: right; white-space: nowrap;}
.krl-app table.krl-compare th:nth-child(2), .krl-app table.krl-compare td:nth-child(2) {text-align: left;
  white-space: normal; min-width: 12em;}
.krl-app .krl-notes {margin: 4px 0; padding-left: 1.2em; font-size: 0.92em;}
.krl-app .krl-case {background: #eef5fb; border-left: 4px solid #0072B2; padding: 4px 8px; margin: 4px 0;}
.krl-app .krl-sources {line-height: 1.35;}
.krl-app .krl-sources h4 {margin: 4px 0;}
.krl-app .krl-cite {color:#444; font-style: italic;}
.krl-app code.krl-code {user-select: all; word-break: break-all; background: #f4f4f4; padding: 2px 4px;}
.krl-app .krl-error {color: #8a1c1c; font-weight: bold;}
.krl-app a.krl-download {margin-right: 1em; font-weight: bold;}
.krl-app.krl-projector {font-size: 20px; --krl-controls: 450px; --jp-widgets-font-size: 20px;
  --jp-widgets-inline-height: 36px; --jp-widgets-inline-label-width: 190px;}
</style>"""


def _stacked(widget):
    widget.add_class("krl-stacked")
    return widget


def make_controls(state: ExplorerState, case_options: list[tuple[str, str]]) -> dict[str, widgets.Widget]:
    """Every control, with the state's values (the app re-syncs them after every change anyway)."""
    style = {"description_width": "initial"}

    def wide(**extra):   # one Layout per control: hiding one must not hide the others
        return widgets.Layout(width="100%", **extra)

    def slider(name, spec_name=None, **extra):
        spec = SLIDERS[spec_name or name]
        kind = widgets.IntSlider if spec.whole else widgets.FloatSlider
        value = getattr(state, spec.name)
        value = value if isinstance(value, (int, float)) else spec.low   # per-route values: set by the app
        return _stacked(kind(value=value, min=spec.low, max=spec.high, step=spec.step,
                             description=spec.label, readout_format=spec.fmt, continuous_update=True,
                             style=style, layout=wide(), **extra))

    def ladder(unit):
        rungs = DOSE_LADDERS[unit]
        return _stacked(widgets.SelectionSlider(
            options=[(f"{r:g}", r) for r in rungs], value=rungs[len(rungs) // 2], readout=False,
            description=f"Dose ({DOSE_UNIT_LABELS[unit]})", continuous_update=True, style=style,
            layout=wide(flex="1 1 auto")))

    def flag(name, label, tooltip=""):
        return widgets.Checkbox(value=getattr(state, name), description=label, tooltip=tooltip or label,
                                indent=False, style=style, layout=widgets.Layout(width="auto"))

    controls = {
        "route": widgets.Dropdown(options=[(r.label, key) for key, r in ROUTES.items()], value=state.route,
                                  description="Route", style=style, layout=wide()),
        "dose_unit": widgets.ToggleButtons(options=[("mg/kg", "mg_per_kg"), ("mg", "mg")], value=state.dose_unit,
                                           description="Dose unit", style={**style, "button_width": "5em"},
                                           tooltips=["dose per kg body weight", "total dose in mg"]),
        "dose": widgets.FloatText(value=0.0, description="Typed dose", continuous_update=False,
                                  tooltip="The dose in the unit chosen above; type one and press Enter",
                                  layout=widgets.Layout(width="5.5em", flex="0 0 auto")),
        "dose_slider": ladder("mg_per_kg"),
        "dose_mg_slider": ladder("mg"),
        "fixed_dose": widgets.Dropdown(options=[("-", 0.0)], value=0.0, description="Dose", style=style,
                                       layout=wide()),
        "weight": slider("weight", "weight_kg"),
        "infusion_min": slider("infusion_min"),
        "n_doses": slider("n_doses"),
        "interval_h": slider("interval_h"),
        "swallowed_fraction": slider("swallowed_fraction"),
        "window_h": _stacked(widgets.SelectionSlider(options=[(f"{w}", w) for w in WINDOW_OPTIONS_H],
                                                     value=state.window_h, description="Time window (h)",
                                                     continuous_update=True, style=style, layout=wide())),
        "sampling_site": widgets.ToggleButtons(options=[("Venous", "venous"), ("Arterial", "arterial")],
                                               value=state.sampling_site, description="Blood sampled",
                                               style={**style, "button_width": "6.5em"},
                                               tooltips=["forearm vein", "artery (the model's own blood)"]),
        "effect_site": flag("effect_site", "Show effect site", "Dotted: where the drug acts; it lags the blood"),
        "variability": flag("variability", "Variability between patients",
                            "Shade the 5th-95th and 25th-75th percentiles of simulated patients"),
        "norketamine": flag("norketamine", "Show norketamine", "Dashed: the main metabolite"),
        "log_scale": flag("log_scale", "Logarithmic axis"),
        "projector": flag("projector", "Projector mode (large text)"),
        "case": widgets.Dropdown(options=[("Load a clinical case...", "")] + case_options, value="",
                                 description="Case", style=style,
                                 layout=widgets.Layout(width="auto", max_width="100%")),
        "code": widgets.Text(value="", placeholder="Paste a share code, press Enter", continuous_update=False,
                             description="Share code", style=style,
                             layout=widgets.Layout(width="auto", flex="1 1 12em")),
        "pin": widgets.Button(description="Pin curve", icon="thumb-tack",
                              tooltip="Keep the current curve to compare routes"),
        "clear_pins": widgets.Button(description="Clear pins", icon="eraser", tooltip="Remove all pinned curves"),
        "share": widgets.Button(description="Share", icon="link", tooltip="A code (and link) for these settings"),
        "load_code": widgets.Button(description="Load code", icon="upload", tooltip="Load the pasted share code"),
        "export": widgets.Button(description="Export", icon="download",
                                 tooltip="Download the figure (PNG, SVG) or the curves (CSV)"),
    }
    controls["dose"].add_class("krl-dose-text")
    return controls


def make_layout(c: dict, out: dict) -> widgets.Box:
    """Controls on the left, plot and tables on the right (they wrap below on a narrow screen)."""
    banner = widgets.HTML(STYLE + f"<div class='krl-banner'>{DISCLAIMER}</div>")
    dose_row = widgets.HBox([c["dose_slider"], c["dose_mg_slider"], c["dose"]],
                            layout=widgets.Layout(width="100%", align_items="flex-end"))
    site_note = widgets.HTML(f"<div class='krl-site-note'>{SITE_NOTE}</div>")
    out["site_note"] = site_note
    controls = widgets.VBox(
        [c["route"], c["dose_unit"], dose_row, c["fixed_dose"], c["weight"], c["infusion_min"], c["n_doses"],
         c["interval_h"], c["swallowed_fraction"], c["window_h"], c["sampling_site"], site_note,
         widgets.HBox([c["effect_site"], c["norketamine"]], layout=widgets.Layout(flex_flow="row wrap")),
         c["variability"], widgets.HBox([c["log_scale"], c["projector"]], layout=widgets.Layout(flex_flow="row wrap")),
         out["readouts"]])
    controls.add_class("krl-controls")
    tools = widgets.HBox([c["pin"], c["clear_pins"], c["share"], c["export"], c["case"]],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
    code_row = widgets.HBox([c["code"], c["load_code"]], layout=widgets.Layout(width="100%"))
    plot_col = widgets.VBox([out["plot"], tools, out["share"], code_row, out["message"], out["export"], out["notes"],
                             out["source_panel"]])
    plot_col.add_class("krl-plot-col")
    body = widgets.HBox([controls, plot_col], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
    box = widgets.VBox([banner, body])
    box.add_class("krl-app")
    return box
