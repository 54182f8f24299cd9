"""Tasks of notebook 02, bioavailability and first pass."""
from ..core.units import MIN_PER_H, NG_ML_PER_MG_L
from ..model.routes import ROUTES
from ..model.simulation import simulate
from .answers import FRACTION, NG_H_PER_ML
from .tasks import Expected, Misconception, number_task, other_route_misconceptions

TARGET_F = 0.28


@number_task("02_intranasal_auc",
             "What is the total exposure (AUC to infinity, ng h/mL) after 50 mg intranasal in a 70-kg adult?",
             unit=NG_H_PER_ML, rel_tol=0.05,
             why="AUC to infinity = F x dose / CL: only the part of the dose that reaches the blood counts, and "
                 "mg/L x h becomes ng·h/mL by multiplying by 1000.",
             method="take the intranasal bioavailability F (as a fraction) from the table, multiply it by the "
                    "50 mg dose (the mg reaching the blood), divide by the clearance in L/h (this gives mg·h/L) "
                    "and multiply by 1000 (1 mg/L = 1000 ng/mL).")
def _intranasal_auc():
    sim = simulate("intranasal", dose_mg=50.0, weight_kg=70.0, t_end_min=60, dt_min=1)
    clearance_l_h = sim.clearance_l_min * MIN_PER_H

    def auc(f):
        return f * 50.0 / clearance_l_h * NG_ML_PER_MG_L
    return Expected(sim.auc_inf_ng_min_ml / MIN_PER_H, (
        Misconception(auc(1.0), "it looks as if the bioavailability F was left out: only F x dose reaches the "
                                "blood."),
        Misconception(auc(100 * sim.bioavailability), "it looks as if F was used as a percentage; use it as a "
                                                      "fraction (for example 37% is 0.37)."),
        *other_route_misconceptions("intranasal", auc),
    ))


@number_task("02_sublingual_swallowed_fraction",
             "Which swallowed fraction gives a sublingual dose an overall bioavailability of 28%?",
             unit=FRACTION, rel_tol=0.05,
             why="F = (1 − fs) x F(lining) + fs x F(oral) changes in a straight line with the swallowed fraction "
                 "fs, so one value of fs gives 28%.",
             method="write F = (1 − fs) x F(lining) + fs x F(oral), where F(lining) is the overall F with "
                    "nothing swallowed and F(oral) the one with everything swallowed (both in the table of "
                    "Question 3). Set F = 0.28 and solve for fs, or try values in the scratch cell until it "
                    "gives 0.28.")
def _swallowed_fraction():
    route = ROUTES["sublingual"]
    mucosal, oral = route.bioavailability_at(0.0), route.bioavailability_at(1.0)
    expected = (mucosal - TARGET_F) / (mucosal - oral)
    default = route.default_swallowed_fraction
    return Expected(expected, (
        Misconception(1.0 - expected, "that is the part absorbed under the tongue; the task asks for the part "
                                      "that is swallowed."),
        Misconception(TARGET_F, "that is the overall bioavailability the task asks for, not the swallowed "
                                "fraction that gives it."),
        Misconception(default, f"that is the model's default swallowed fraction, which gives an overall "
                               f"bioavailability of {route.bioavailability_at(default):.0%}, not 28%."),
    ))
