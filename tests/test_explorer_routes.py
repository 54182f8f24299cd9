"""A route needs data files only: two synthetic routes, added to a copy of helpers/data, work in
simulate(), the explorer, the source panel, the provenance table and the bioavailability table.

The check runs in a subprocess with ``KETAMINE_LAB_DATA`` pointing at the copy, so the package's
catalogues are loaded from it exactly as they would be after editing the real files.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import helpers

DATA = Path(helpers.__file__).resolve().parent / "data"

ROUTES_TOML = '''
[buccal_film_synthetic]
label = "Buccal film (synthetic)"
noun = "buccal route"
colour = "#117733"
kind = "absorbed"
home_use = true
population = "nobody: a synthetic route that only tests the data files"
source_001 = {says = "~25%", studies = ["chong2009"], table_row = "Buccal film (synthetic)"}
sources = ["chong2009", "levine_actify"]
bioavailability = {value = 0.25, low = 0.2, high = 0.3, unit = "fraction", source = "chong2009", status = "assumed"}
ka_per_min = {value = 0.02, unit = "1/min", source = "chong2009", status = "assumed"}

[device_spray_synthetic]
label = "Device spray (synthetic)"
noun = "synthetic device spray"
colour = "#882255"
kind = "device_session"
drug = "esketamine"
model = "perezruixo2021"
home_use = false
population = "nobody: a synthetic device product that only tests the data files"
source_001 = {says = "", studies = [], table_row = ""}
sources = ["perezruixo2021"]
bioavailability = {value = 0.5, unit = "fraction", source = "perezruixo2021", status = "assumed"}
device_mg = {value = 20.0, unit = "mg", source = "perezruixo2021", status = "assumed"}
max_devices = {value = 2.0, unit = "1", source = "perezruixo2021", status = "assumed"}
device_interval_min = {value = 10.0, unit = "min", source = "perezruixo2021", status = "assumed"}
observation_min = {value = 60.0, unit = "min", source = "perezruixo2021", status = "assumed"}
nasal_fraction_first_device = {value = 0.5, unit = "fraction", source = "perezruixo2021", status = "assumed"}
later_device_factor = {value = 0.8, unit = "1", source = "perezruixo2021", status = "assumed"}
gut_availability = {value = 0.6, unit = "fraction", source = "perezruixo2021", status = "assumed"}
mucosal.ka_per_min = {value = 0.05, unit = "1/min", source = "perezruixo2021", status = "assumed"}
swallowed.release_min = {value = 30.0, unit = "min", source = "perezruixo2021", status = "assumed"}
swallowed.ka_per_min = {value = 0.02, unit = "1/min", source = "perezruixo2021", status = "assumed"}
'''

NOTES_TOML = '''
[buccal_film_synthetic]
notes = [
  { source = "reynolds_prohealth", text = "A synthetic note for the buccal film, written only for this test." },
]

[device_spray_synthetic]
notes = [
  { source = "applications_chapter", text = "A synthetic note for the device spray, written only for this test." },
]
'''

CHECK = r'''
import json, numpy as np, helpers
from helpers.presentation.source_panel import source_panel_html
out = {}
sim = helpers.simulate("buccal_film_synthetic", 25.0, 70.0, t_end_min=600)
out["sim_peak"] = sim.cmax_ng_ml
app = helpers.explore()
app.controls["route"].value = "buccal_film_synthetic"
app.controls["dose"].value = 0.75
app.controls["n_doses"].value = 3
out["kwargs"] = app.simulate_kwargs()
out["line_finite"] = bool(np.all(np.isfinite(app.line.get_ydata())) and app.line.get_ydata().max() > 0)
out["line_is_sim"] = bool(np.allclose(app.line.get_ydata(), helpers.simulate(**app.simulate_kwargs()).conc_ng_ml))
out["readouts"] = app.readouts.value
out["panel"] = app.source_panel.value
out["source_panel"] = source_panel_html("buccal_film_synthetic")
app.pin()
out["restored"] = helpers.explore(state=app.share_code()).state == app.state
app.controls["route"].value = "device_spray_synthetic"
out["fixed_options"] = [list(o) for o in app.controls["fixed_dose"].options]
app.controls["fixed_dose"].value = 40.0
out["device_kwargs"] = app.simulate_kwargs()
out["device_line_is_sim"] = bool(np.allclose(app.line.get_ydata(),
                                             helpers.simulate(**app.simulate_kwargs()).conc_ng_ml))
out["observation_h"] = [list(span) for span in app.scene.observation_h]
out["notes"] = app.outputs["notes"].value
out["device_panel"] = source_panel_html("device_spray_synthetic")
out["provenance"] = sorted({row["where"] for row in helpers.provenance_table()})
out["bioavailability_table"] = repr(helpers.bioavailability_table())
print(json.dumps(out))
'''


def test_a_route_added_by_data_files_alone_works_everywhere(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with open(data / "routes.toml", "a") as handle:
        handle.write(ROUTES_TOML)
    with open(data / "route_notes.toml", "a") as handle:
        handle.write(NOTES_TOML)
    env = dict(os.environ, KETAMINE_LAB_DATA=str(data))
    result = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["sim_peak"] > 0
    assert out["kwargs"] == {"route": "buccal_film_synthetic", "dose_mg": 52.5, "weight_kg": 70.0, "n_doses": 3,
                             "interval_min": 480.0, "sampling_site": "venous", "t_end_min": 480.0, "dt_min": 0.4}
    assert out["line_finite"] and out["line_is_sim"] and out["restored"]
    assert "(25%)" in out["readouts"]
    for panel in (out["panel"], out["source_panel"]):
        assert "Buccal film (synthetic)" in panel and "written only for this test" in panel
    assert out["fixed_options"] == [["20 mg (1 device)", 20.0], ["40 mg (2 devices)", 40.0]]
    assert out["device_kwargs"] == {"route": "device_spray_synthetic", "dose_mg": 40.0, "weight_kg": 70.0,
                                    "t_end_min": 480.0, "dt_min": 0.4}
    assert out["device_line_is_sim"]
    assert out["observation_h"] == [[0.0, (10.0 + 60.0) / 60.0]]     # from the first device to 1 h after the last
    assert "1-hour observation" in out["notes"]
    assert "Device spray (synthetic)" in out["device_panel"]
    assert {"buccal_film_synthetic", "device_spray_synthetic"} <= set(out["provenance"])
    assert "Buccal film (synthetic)" in out["bioavailability_table"]
