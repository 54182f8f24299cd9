"""Compare and export: the comparison table against independent simulations, the CSV against the plot,
the figure files, and the download links."""
import base64
import csv
import io
import re

import numpy as np
import pytest
from PIL import Image

from helpers import EFFECT_RANGES, explore, simulate

DISCLAIMER = "Teaching simulation, not dosing guidance."


@pytest.fixture
def app():
    """A live intranasal curve with norketamine, effect site and bands, and two pinned curves."""
    app = explore(route="iv_infusion", dose_mg_per_kg=0.5, weight_kg=70, window_h=12)
    app.pin()
    app.set(route="oral", dose_mg=50, sampling_site="arterial")
    app.pin()
    app.set(route="intranasal", dose_mg_per_kg=0.75, weight_kg=64, sampling_site="venous", norketamine=True,
            effect_site=True, variability=True)
    return app


def test_comparison_table_rows_equal_independent_simulations(app):
    expected_curves = [
        dict(route="intranasal", dose_mg=48.0, weight_kg=64.0, swallowed_fraction=0.46, sampling_site="venous"),
        dict(route="iv_infusion", dose_mg=35.0, weight_kg=70.0, infusion_min=40.0, sampling_site="venous"),
        dict(route="oral", dose_mg=50.0, weight_kg=70.0, sampling_site="arterial"),
    ]
    rows = app.comparison_table()
    assert [row["pinned"] for row in rows] == [False, True, True]
    for row, kwargs in zip(rows, expected_curves):
        sim = simulate(**kwargs, t_end_min=720.0, dt_min=0.6)
        assert row["cmax_ng_ml"] == pytest.approx(sim.cmax_ng_ml, rel=1e-9)
        assert row["tmax_min"] == pytest.approx(sim.tmax_min)
        assert row["auc_ng_h_ml"] == pytest.approx(sim.auc_ng_min_ml / 60.0, rel=1e-9)
        assert row["bioavailable_dose_mg"] == pytest.approx(sim.bioavailable_dose_mg, rel=1e-12)
        for key, effect in EFFECT_RANGES.items():
            assert row[f"time_above_{key}_min"] == pytest.approx(sim.time_above_min(effect.low_ng_ml), abs=1e-6)
        nk_auc = float(np.trapezoid(sim.norketamine_ng_ml, sim.t_min)) / 60.0
        assert row["norketamine_auc_ng_h_ml"] == pytest.approx(nk_auc, rel=1e-9)
        assert kwargs["route"] in row["curve"].lower().replace(" ", "_") or "IV infusion" in row["curve"]
        assert f"{kwargs['sampling_site']} blood" in row["curve"]
    # the same numbers in the table the learner reads
    html = app.outputs["table"].value
    for row in rows:
        assert f"{row['cmax_ng_ml']:,.0f}" in html and f"{row['bioavailable_dose_mg']:,.1f}" in html
    app.controls["norketamine"].value = False
    assert all("norketamine_auc_ng_h_ml" not in row for row in app.comparison_table())
    assert "Norketamine AUC" not in app.outputs["table"].value


def test_csv_reads_back_as_the_plotted_arrays(app, tmp_path):
    path = app.export_csv(tmp_path / "curves.csv")
    text = path.read_text()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any(DISCLAIMER in line for line in comments)
    assert any(app.share_code() in line for line in comments)
    assert any("live curve: Intranasal 48 mg, 64 kg, venous blood" in line for line in comments)
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    header, values = rows[0], np.array([[float(v) if v else np.nan for v in row] for row in rows[1:]])
    assert header[0] == "time (h)" and all("(ng/mL)" in name for name in header[1:])
    column = {name: values[:, i] for i, name in enumerate(header)}
    assert np.array_equal(column["time (h)"], app.line.get_xdata())
    live = "live: Intranasal 48 mg, 64 kg, venous blood"
    assert np.array_equal(column[f"{live} | ketamine (ng/mL)"], app.line.get_ydata())
    assert np.array_equal(column[f"{live} | norketamine (ng/mL)"], app.norketamine_line.get_ydata())
    assert np.array_equal(column[f"{live} | effect site (ng/mL)"], app.effect_line.get_ydata())
    for line in app.canvas.pin_lines:
        assert np.array_equal(column[f"pinned: {line.get_label()} | ketamine (ng/mL)"], line.get_ydata())
    # the bands, at the time points where they were computed
    n = len(app.bands[0].get_paths()[0].vertices) // 2
    low = app.bands[0].get_paths()[0].vertices[:n]
    p5 = column["5th percentile of 300 simulated patients (ng/mL)"]
    sampled = ~np.isnan(p5)
    assert sampled.sum() == n
    assert np.allclose(column["time (h)"][sampled], low[:, 0], rtol=0, atol=1e-9)
    assert np.array_equal(p5[sampled], low[:, 1])


def test_figure_exports_are_files_for_slides(app, tmp_path):
    png = app.export_png(tmp_path / "figure.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (1200, 780)
    svg = app.export_svg(tmp_path / "figure.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))     # text stays text, for editing
    assert DISCLAIMER in texts and "Intranasal 48 mg, 64 kg, venous blood" in texts


def test_download_links_carry_the_current_files(app):
    app.controls["export"].click()
    links = dict(re.findall(r"download='([^']+)' href='([^']+)'", app.outputs["export"].value))
    kinds = {name.rsplit(".", 1)[1]: href for name, href in links.items()}
    assert set(kinds) == {"png", "svg", "csv"}
    assert kinds["png"].startswith("data:image/png;base64,") and kinds["svg"].startswith("data:image/svg+xml;base64,")
    csv_text = base64.b64decode(kinds["csv"].split(",", 1)[1]).decode("utf-8")
    assert csv_text == app.csv_text()
    with Image.open(io.BytesIO(base64.b64decode(kinds["png"].split(",", 1)[1]))) as image:
        assert image.format == "PNG"
    app.controls["weight"].value = 65          # the links would describe the old curves: taken away
    assert app.outputs["export"].value == ""
