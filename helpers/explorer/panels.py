"""The explorer's text: readouts, the comparison table, notes, caption and the plot's alt text.

Plain functions of a :class:`~helpers.explorer.curves.Scene`, returning
HTML (or, for :func:`comparison_rows`, the same numbers as data).
"""
from __future__ import annotations

import html
import json

import numpy as np

from ..evidence.bibliography import cite
from ..evidence.cases import CASES
from ..evidence.effects import EFFECT_RANGES
from ..model.disposition import MODELS
from ..model.routes import ROUTES
from ..presentation.plotting import DISCLAIMER
from ..presentation.tables import Table
from .curves import BAND_PATIENTS, Curve, Scene, norketamine_auc_ng_h_ml
from .settings import CONTROLS, DOSE_UNIT_LABELS, format_dose
from .state import dose_mg_used, sampling_site_for, shown_controls, swallowed_fraction_for

__all__ = ["readouts_html", "comparison_rows", "comparison_table", "comparison_html", "notes_html", "caption_html",
           "plot_html", "alt_text", "hours_text", "CHILD_WEIGHT_BELOW_KG", "used_settings", "case_html", "share_html",
           "STYLE", "SITE_NOTE", "snapshot_html", "control_values"]

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
.krl-app .krl-site-note, .krl-app .krl-hint {font-size: max(12px, 0.86em); color: #444; line-height: 1.25;}
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
.krl-app .krl-caption {font-size: max(12px, 0.86em); color: #333; margin: 2px 0 4px 0;}
.krl-app .krl-table-wrap {overflow-x: auto;}
.krl-app table.krl-compare {border-collapse: collapse; font-size: max(12px, 0.86em); margin-top: 4px;}
.krl-app table.krl-compare th, .krl-app table.krl-compare td {padding: 2px 6px; border-bottom: 1px solid #ddd;
  text-align: right; white-space: nowrap;}
.krl-app table.krl-compare th:nth-child(2), .krl-app table.krl-compare td:nth-child(2) {text-align: left;
  white-space: normal; min-width: 12em;}
.krl-app .krl-notes {margin: 4px 0; padding-left: 1.2em; font-size: max(12px, 0.92em);}
.krl-app .krl-case {background: #eef5fb; border-left: 4px solid #0072B2; padding: 4px 8px; margin: 4px 0;}
.krl-app .krl-sources {line-height: 1.35;}
.krl-app .krl-sources h4 {margin: 4px 0;}
.krl-app .krl-cite {color:#444; font-style: italic;}
.krl-app code.krl-code {user-select: all; word-break: break-all; background: #f4f4f4; padding: 2px 4px;}
.krl-app .krl-error {color: #8a1c1c; font-weight: bold;}
.krl-app a.krl-download {margin-right: 1em; font-weight: bold;}
/* A phone or tablet (narrow screen): one column, the leading controls (route, dose, weight), then the plot across the
   screen, then the readouts and the rest; every control a finger can hit. */
@media (max-width: 900px) {
  .krl-app .krl-body {flex-flow: column nowrap !important; align-items: stretch !important;}
  .krl-app .krl-controls, .krl-app .krl-plot-col {display: contents !important;}
  .krl-app .krl-body > * > * {max-width: 100%; min-width: 0;}
  .krl-app .krl-lead {order: -3;}
  .krl-app .krl-plot-frame {order: -2;}
  .krl-app .krl-readouts {order: -1; margin-bottom: 6px;}
  .krl-app img.krl-plot {max-width: 100%;}
  .krl-app table.krl-compare th, .krl-app table.krl-compare td {white-space: normal; padding: 2px 3px;}
  .krl-app table.krl-compare th:nth-child(2), .krl-app table.krl-compare td:nth-child(2) {min-width: 5em;}
  .krl-app .widget-dropdown, .krl-app .widget-text {max-width: 100%;}
  .krl-app .widget-dropdown > select {min-width: 0; flex: 1 1 auto;}
}
/* Touch screens: big slider handles that a finger drags, and no jump when the track is tapped. */
@media (pointer: coarse) {
  .krl-app, .krl-lesson {--jp-widgets-slider-handle-size: 28px; --jp-widgets-inline-height: 40px;}
  .krl-app .widget-slider .noUi-target {pointer-events: none;}
  .krl-app .widget-slider .noUi-handle {pointer-events: auto; touch-action: none;}
  .krl-app .widget-slider .slider-container {padding: 14px 14px 14px 14px; overflow: visible;}
  .krl-app .widget-slider {overflow: visible;}
  .krl-app button, .krl-lesson button {min-height: 40px;}
  .krl-app .widget-html-content, .krl-lesson .widget-html-content {line-height: 1.4;}
}
.krl-app.krl-projector {font-size: 20px; --krl-controls: 450px; --jp-widgets-font-size: 20px;
  --jp-widgets-inline-height: 36px; --jp-widgets-inline-label-width: 190px;}
</style>"""

#: Below this body weight the explorer treats the weight as a child's (for the bioavailability note).
CHILD_WEIGHT_BELOW_KG = 40.0


def hours_text(minutes: float) -> str:
    """Minutes as '1 h 05 min'.

    >>> hours_text(65.2), hours_text(0)
    ('1 h 05 min', '0 h 00 min')
    """
    hours, mins = divmod(int(round(minutes)), 60)
    return f"{hours} h {mins:02d} min"


def _range_name(effect) -> str:
    return effect.short_label.lower()


# ---------------------------------------------------------------------------- comparison table
def comparison_rows(scene: Scene) -> list[dict]:
    """One row per visible curve (live first, then pins): the numbers of the comparison table."""
    rows = []
    for curve in scene.curves:
        sim = curve.simulation
        row = {"curve": curve.label, "pinned": curve.pinned, "cmax_ng_ml": sim.cmax_ng_ml, "tmax_min": sim.tmax_min,
               "auc_ng_h_ml": curve.auc_ng_min_ml / 60.0, "bioavailable_dose_mg": sim.bioavailable_dose_mg}
        for key, effect in EFFECT_RANGES.items():
            row[f"time_above_{key}_min"] = sim.time_above_min(effect.low_ng_ml)
        if curve.norketamine_ng_ml is not None:
            row["norketamine_auc_ng_h_ml"] = norketamine_auc_ng_h_ml(curve)
        rows.append(row)
    return rows


def _sample(curve: Curve) -> str:
    """A short line in the curve's colour and style (inline SVG), for the table's first column."""
    dash = {"-": "", "--": "6,3", "-.": "6,2,2,2", ":": "2,2"}.get(curve.style, "5,1,1,1") \
        if isinstance(curve.style, str) else ",".join(str(v) for v in curve.style[1])
    dashes = f" stroke-dasharray='{dash}'" if dash else ""
    return (f"<svg width='26' height='10' aria-hidden='true'><line x1='1' y1='5' x2='25' y2='5' "
            f"stroke='{curve.colour}' stroke-width='2.4'{dashes}/></svg>")


def comparison_table(scene: Scene) -> Table:
    """The comparison table as a :class:`~helpers.Table` (HTML in notebooks, aligned text elsewhere)."""
    rows = comparison_rows(scene)
    header = ["", "Curve", "Peak (ng/mL)", "Time to peak", "AUC (ng\u00b7h/mL)", "Reaches blood (mg)"]
    header += [f"\u2265 {e.low_ng_ml:,.0f} ng/mL ({_range_name(e)})" for e in EFFECT_RANGES.values()]
    with_nk = any("norketamine_auc_ng_h_ml" in row for row in rows)
    if with_nk:
        header.append("Norketamine AUC (ng\u00b7h/mL)")
    cells = []
    for curve, row in zip(scene.curves, rows):
        line = [_sample(curve), ("" if curve.pinned else "Live: ") + row["curve"], f"{row['cmax_ng_ml']:,.0f}",
                hours_text(row["tmax_min"]), f"{row['auc_ng_h_ml']:,.0f}", f"{row['bioavailable_dose_mg']:,.1f}"]
        line += [hours_text(row[f"time_above_{key}_min"]) for key in EFFECT_RANGES]
        if with_nk:
            line.append(f"{row['norketamine_auc_ng_h_ml']:,.0f}")
        cells.append(tuple(line))
    return Table(tuple(header), tuple(cells), css_class="krl-compare")


def comparison_html(scene: Scene) -> str:
    if not scene.curves:
        return ""
    note = "" if scene.pins else "<div class='krl-hint'>Pin a curve to compare it here with the next one.</div>"
    # The table scrolls sideways inside the plot column; tabindex lets a keyboard scroll it too.
    return (f"<div class='krl-table-wrap' tabindex='0' role='region' aria-label='Comparison of curves'>"
            f"{comparison_table(scene).html(raw_columns=(0,))}</div>{note}")


# ---------------------------------------------------------------------------- readouts
def readouts_html(scene: Scene) -> str:
    """The live curve's numbers, beside the controls."""
    live = scene.live
    if live is None:
        return "<div class='krl-readouts'><p>No curve: see the note under the plot.</p></div>"
    sim, state = live.simulation, scene.state
    per_kg = f" ({sim.dose_mg / sim.weight_kg:.3g} mg/kg)"
    rows = [("Dose", f"{format_dose(sim.dose_mg)} mg{per_kg}" + (f" \u00d7 {sim.n_doses}" if sim.n_doses > 1 else "")),
            ("Peak (Cmax)", f"{sim.cmax_ng_ml:,.0f} ng/mL"),
            ("Time to peak", hours_text(sim.tmax_min)),
            ("AUC over window", f"{live.auc_ng_min_ml / 60.0:,.0f} ng\u00b7h/mL"),
            ("Reaches blood", f"{sim.bioavailable_dose_mg:,.1f} mg ({sim.bioavailability:.0%})")]
    if scene.bands is not None:
        low, high = scene.bands.peak_range_ng_ml
        rows.insert(2, ("Peak, middle 90% of patients", f"{low:,.0f}-{high:,.0f} ng/mL"))
    if live.norketamine_ng_ml is not None:
        nk = live.norketamine_ng_ml
        rows.append(("Norketamine peak", f"{nk.max():,.0f} ng/mL at {hours_text(sim.t_min[int(np.argmax(nk))])}"))
    if live.effect_site_ng_ml is not None:
        effect = live.effect_site_ng_ml
        rows.append(("Effect-site peak", f"{effect.max():,.0f} ng/mL at "
                                         f"{hours_text(sim.t_min[int(np.argmax(effect))])}"))
    for effect in EFFECT_RANGES.values():
        rows.append((f"Above {effect.low_ng_ml:,.0f} ng/mL ({_range_name(effect)})",
                     hours_text(sim.time_above_min(effect.low_ng_ml))))
    table = Table((), tuple(rows), css_class="krl-readout-table")
    site = sim.sampling_site
    return (f"<div class='krl-readouts' data-unit='{DOSE_UNIT_LABELS[state.dose_unit]}'>"
            f"<div class='krl-readouts-title'>This curve ({html.escape(site)} blood)</div>{table.html()}</div>")


# ---------------------------------------------------------------------------- notes and caption
def notes_html(scene: Scene, case_html: str = "") -> str:
    """Short notes under the plot: what the line styles mean, and anything the learner should know."""
    state, notes = scene.state, []
    route = ROUTES[state.route]
    if scene.error:
        model = MODELS[route.disposition_model]
        if not model.weight_low_kg <= state.weight_kg <= model.weight_high_kg:
            why = (f"{route.label} runs on a model measured in people of {model.weight_low_kg:g}-"
                   f"{model.weight_high_kg:g} kg; set the body weight within that range.")
        else:
            why = scene.error
        notes.append(f"<b>No curve for these settings:</b> {html.escape(why)}")
    parameter = route.parameters.get("children_bioavailability")
    if parameter is not None and state.weight_kg < CHILD_WEIGHT_BELOW_KG:
        notes.append(f"At {state.weight_kg:.0f} kg (a child's weight) the curve still uses the adult "
                     f"{route.label.lower()} bioavailability, {route.bioavailability:.0%}. Estimates for children "
                     f"differ: {parameter.value:.0%} in one sparse population model "
                     f"({html.escape(', '.join(cite(s) for s in parameter.source))}). "
                     f"Read the curve as one possibility, not the child's level.")
    blood = route.model_blood
    if sampling_site_for(state, state.route) is None:
        notes.append(f"{html.escape(route.label)} runs on its own model, which gives {html.escape(blood)} blood "
                     "only: the <i>Blood sampled</i> choice does not apply.")
    drug = route.drug
    potency = route.parameters.get("potency_vs_racemic")
    if drug != "ketamine" and potency is not None:
        notes.append(f"This curve is {html.escape(drug)}, about {potency.value:g} times as potent as racemic "
                     f"ketamine ({html.escape(', '.join(cite(s) for s in potency.source))}), while the shaded "
                     f"ranges were measured with racemic ketamine: read each {html.escape(drug)} level as if it "
                     f"were about {potency.value:g} times higher.")
    if scene.bands_error:
        notes.append(f"No variability bands for this curve: {html.escape(scene.bands_error)}")
    if scene.observation_h:
        hours = route.observation_min / 60.0
        notes.append(f"Grey: the {hours:g}-hour observation after each session that the product's label requires.")
    parts = []
    if state.norketamine:
        parts.append("dashed: norketamine (the main metabolite)")
    if state.effect_site:
        parts.append("dotted: effect site (where the drug acts; it lags the blood)")
    if scene.bands is not None:
        parts.append(f"shaded around it: middle 50% and 90% of {BAND_PATIENTS} simulated patients")
    if scene.pins:
        parts.append("thinner lines: pinned curves, listed in the table below")
    if parts:
        notes.append("The thick line is ketamine in blood for the current settings; " + "; ".join(parts) + ".")
    items = "".join(f"<li>{note}</li>" for note in notes)
    return f"{case_html}<ul class='krl-notes'>{items}</ul>" if items else case_html


def case_html(key: str) -> str:
    """The clinical case's title, vignette and sources, above the notes ("" when no case is loaded)."""
    if not key:
        return ""
    case = CASES[key]
    return (f"<div class='krl-case'><b>Case: {html.escape(case.title)}.</b> {html.escape(case.vignette)} "
            f"<span class='krl-cite'>({html.escape(case.citation())})</span></div>")


def share_html(code: str, link: str | None) -> str:
    """The share code (and, in the app view, a link that opens the page with it)."""
    where = (f"<a href='{html.escape(link, quote=True)}' target='_blank' class='krl-share-link'>Link to these "
             f"settings</a> (opens this page with them). " if link else "")
    return (f"<div class='krl-share'>{where}Share code: <code class='krl-code'>{html.escape(code)}</code> "
            f"<span class='krl-hint'>paste it into the box below, or into <code>explore(state=...)</code>.</span>"
            f"</div>")


def caption_html() -> str:
    """The disclaimer and what the shaded ranges are, with their sources (under the plot)."""
    names = [_range_name(e) for e in EFFECT_RANGES.values()]
    sources = dict.fromkeys(cite(s) for e in EFFECT_RANGES.values() for s in e.sources)
    return (f"<div class='krl-caption'><b>{DISCLAIMER}</b> Shaded: typical peak plasma levels after doses used "
            f"for {html.escape(', '.join(names[:-1]) + ' and ' + names[-1])} ({html.escape('; '.join(sources))}); "
            "not thresholds for a patient.</div>")


# ---------------------------------------------------------------------------- the plot image
def used_settings(scene: Scene) -> dict:
    """What the model used for the live curve, as plain numbers (carried by the plot image for checks)."""
    state = scene.state
    data = {"route": state.route, "dose_unit": state.dose_unit, "window_h": state.window_h}
    if scene.live is not None:
        kwargs = scene.live.kwargs
        data.update({k: v for k, v in kwargs.items() if k not in ("t_end_min", "dt_min")})
        data["dose_mg_per_kg"] = kwargs["dose_mg"] / kwargs["weight_kg"]
    return data


def alt_text(scene: Scene) -> str:
    live = scene.live
    if live is None:
        return "Plot of simulated plasma ketamine against time: no curve for these settings."
    sim = live.simulation
    text = (f"Plot of simulated plasma ketamine against time: {live.label}. Peak {sim.cmax_ng_ml:,.0f} ng/mL at "
            f"{hours_text(sim.tmax_min)}.")
    if scene.pins:
        text += " Pinned for comparison: " + "; ".join(c.label for c in scene.pins) + "."
    names = [_range_name(e) for e in EFFECT_RANGES.values()]
    return text + f" Shaded bands mark typical peak levels after doses used for {', '.join(names)}."


def plot_html(png_base64: str, scene: Scene, size_px: tuple[int, int] | None = None) -> str:
    """The frame as an <img> with alt text, and the settings the model used as a data attribute.

    ``size_px`` (width, height) lets the browser keep the frame's space while the next one decodes,
    so a new frame never makes the page reflow.
    """
    settings = html.escape(json.dumps(used_settings(scene), sort_keys=True), quote=True)
    size = f"width='{size_px[0]}' height='{size_px[1]}' " if size_px else ""
    return (f"<img class='krl-plot' alt='{html.escape(alt_text(scene), quote=True)}' "
            f"src='data:image/png;base64,{png_base64}' {size}data-krl-settings='{settings}'>")


# ---------------------------------------------------------------------------- the static picture
def control_values(state) -> list[tuple[str, str]]:
    """(label, value as shown) of every control that applies now, in the controls column's order."""
    from_route = ROUTES[state.route]
    shown = shown_controls(state)
    values = {"route": from_route.label, "dose_unit": DOSE_UNIT_LABELS[state.dose_unit],
              "dose": f"{format_dose(state.dose_mg_per_kg)} mg/kg" if state.dose_unit == "mg_per_kg"
              else f"{format_dose(state.dose_mg)} mg",
              "fixed_dose": f"{dose_mg_used(state):g} mg", "weight": f"{state.weight_kg:.0f}",
              "infusion_min": f"{state.infusion_min}", "n_doses": f"{state.n_doses}",
              "interval_h": f"{state.interval_h:g}",
              "swallowed_fraction": f"{swallowed_fraction_for(state, state.route):.2f}"
              if from_route.has_swallowed_part else "", "window_h": f"{state.window_h}",
              "sampling_site": state.sampling_site.capitalize()}
    flags = [CONTROLS[name].label for name in ("effect_site", "norketamine", "variability", "log_scale",
                                               "projector") if getattr(state, CONTROLS[name].setting)]
    rows = [(CONTROLS[name].label.replace("Typed dose", "Dose"), value) for name, value in values.items()
            if shown.get(name) and name not in ("dose_slider", "dose_mg_slider")]
    return rows + ([("Shown", ", ".join(flags))] if flags else [])


def snapshot_html(scene: Scene, png_base64: str, size_px: tuple[int, int], case_key: str = "") -> str:
    """The explorer as a still picture: its frame, readouts, table and notes in the same columns as the live
    dashboard, and the controls' values as text (what a notebook viewer, and the browser edition while
    Python starts, shows)."""
    rows = "".join(f"<tr><td>{html.escape(label)}</td><td>{html.escape(value)}</td></tr>"
                   for label, value in control_values(scene.state))
    # the live dashboard's boxes and classes (controls.make_layout), so a phone orders both the same way
    return (f"<div class='krl-app krl-still'>{STYLE}<div class='krl-banner'>{DISCLAIMER}</div>"
            f"<div class='krl-body' style='display:flex; flex-flow:row wrap; align-items:flex-start'>"
            f"<div class='krl-controls'><div class='krl-lead'><table class='krl-readout-table krl-still-controls'>"
            f"{rows}</table></div><div class='krl-readouts'>{readouts_html(scene)}</div></div>"
            f"<div class='krl-plot-col'><div class='krl-plot-frame'>{plot_html(png_base64, scene, size_px)}"
            f"{caption_html()}{comparison_html(scene)}</div>{notes_html(scene, case_html(case_key))}</div></div></div>")
