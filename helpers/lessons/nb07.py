"""Tasks of notebook 07, children and body weight."""
from ..model.disposition import MODELS
from ..model.routes import ROUTES
from ..model.simulation import simulate
from .answers import MG_PER_KG, RATIO
from .tasks import Expected, Misconception, number_task

#: One sparse-sampling model's estimate of children's intramuscular bioavailability (Hornik 2018, data/routes.toml),
#: a what-if in notebook 07 (Grant 1983 found children's IM levels similar to adults'); simulate() uses the adult 0.93.
CHILD_IM_BIOAVAILABILITY = ROUTES["intramuscular"].parameters["children_bioavailability"].value
CHILD_KG, ADULT_KG = 10.0, 70.0


@number_task("07_clearance_per_kg_ratio",
             "In the default model, how many times more clearance per kg does a 10-kg child have than a 70-kg "
             "adult?",
             unit=RATIO, rel_tol=0.02,
             why="Clearance grows with weight to the power 0.75, so clearance per kg goes with weight to the power "
                 "−0.25: smaller bodies clear more per kg.",
             method="take the clearance per kg (L/h/kg) of the table for 10 kg and for 70 kg and divide the "
                    "child's by the adult's; or use the scaling rule, (70 / 10) ** 0.25.")
def _clearance_per_kg_ratio():
    _, child_cl, _ = MODELS["kamp2020"].scaled(CHILD_KG)
    _, adult_cl, _ = MODELS["kamp2020"].scaled(ADULT_KG)
    child_cl, adult_cl = float(child_cl), float(adult_cl)
    expected = (child_cl / CHILD_KG) / (adult_cl / ADULT_KG)
    total = "that is the ratio of the total clearances; divide each by its body weight first."
    return Expected(expected, (
        Misconception(1.0, "per kg the clearances are not equal: clearance grows more slowly than body weight "
                           "(power 0.75).", rel_tol=0.01),
        Misconception(ADULT_KG / CHILD_KG, "that is the ratio of the body weights; clearance per kg changes much "
                                           "less than that."),
        Misconception(child_cl / adult_cl, total),
        Misconception(adult_cl / child_cl, total),
        Misconception(1.0 / expected, "that is the adult's clearance per kg over the child's; the task asks the "
                                      "child's over the adult's."),
    ))


@number_task("07_child_im_dose_matching_iv_auc",
             "Suppose a 20-kg child absorbs only 41% of an IM dose (Hornik 2018's estimate, a what-if): which IM "
             "dose (mg/kg) would give the same exposure (AUC) as 1 mg/kg IV?",
             unit=MG_PER_KG, rel_tol=0.05,
             why="AUC is proportional to F x dose and an IV dose has F = 1, so the IM dose is the IV dose divided "
                 "by the children's IM bioavailability.",
             method="the same exposure needs the same amount reaching the blood: F(IM) x IM dose = 1 x 1 mg/kg. "
                    "Solve for the IM dose with the supposed F(IM) = 0.41.")
def _child_im_dose():
    iv = simulate("iv_bolus", 20.0, 20.0, t_end_min=60.0)
    f_child, f_adult = CHILD_IM_BIOAVAILABILITY, ROUTES["intramuscular"].bioavailability
    expected = iv.bioavailability * 1.0 / f_child
    return Expected(expected, (
        Misconception(1.0 / f_adult, "that uses the adult IM bioavailability; the task supposes the child absorbs "
                                     "41%."),
        Misconception(f_child, "that multiplies by the bioavailability; to reach the same exposure the IM dose "
                               "must make up for the part that is not absorbed: divide by it."),
        Misconception(expected * 20.0, "that looks like the whole dose in mg for 20 kg; the task asks for mg per "
                                       "kg."),
        Misconception(f_adult / f_child, "that matches the adult IM exposure, not the IV one: an IV dose reaches "
                                         "the blood completely (F = 1)."),
        Misconception(1.0 / (100 * f_child), "it looks as if the bioavailability was used as a percentage; use it "
                                             "as a fraction (41% is 0.41)."),
    ))
