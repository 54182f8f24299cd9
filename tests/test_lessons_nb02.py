"""Notebook 02's checked tasks accept the right answer, give each misconception its hint, and never reveal it."""
from test_lessons import assert_never_shown, hint

from helpers import check

CL_L_PER_H_70KG = 84.0     # Kamp 2020, helpers/data/disposition_models.toml
AUC, SWALLOWED = "02_intranasal_auc", "02_sublingual_swallowed_fraction"


def _auc(f):
    return f * 50.0 / CL_L_PER_H_70KG * 1000.0      # AUC = F x dose / CL, ng h/mL


def test_intranasal_auc():
    answer = 0.45 * 50.0 / CL_L_PER_H_70KG * 1000.0   # AUC = F x dose / CL, ng h/mL
    assert check(AUC, answer)
    assert not check(AUC, 50.0 / CL_L_PER_H_70KG * 1000.0)   # forgot F
    assert not check(AUC, answer * 60)                        # ng min/mL
    assert f"{answer:.0f}" not in repr(check(AUC, 1.0))


def test_intranasal_auc_in_any_unit():
    answer = _auc(0.45)
    for typed in (f"{answer:.0f}", f"{answer:.0f} ng·h/mL", f"{answer:.0f} ng h/mL", f"{answer * 60:,.0f} ng·min/mL",
                  f"{answer / 1000:.4f} mg·h/L", f"{answer / 1000:.4f} µg h/mL"):
        assert check(AUC, typed), typed


def test_intranasal_auc_misconceptions():
    answer = _auc(0.45)
    assert "bioavailability F was left out" in hint(AUC, round(_auc(1.0)))         # 595, the guide's example
    assert "ng·min/mL" in hint(AUC, round(answer * 60))                           # 16 071, the guide's example
    assert "mg·h/L" in hint(AUC, round(answer / 1000, 3))
    assert "percentage" in hint(AUC, _auc(45))
    assert "oral" in hint(AUC, _auc(0.20))
    assert "sublingual or rectal" in hint(AUC, _auc(0.30))
    assert "intramuscular" in hint(AUC, _auc(0.93))
    assert "not within 5%" in hint(AUC, 350)
    assert_never_shown(AUC, answer, [595, 16071, 0.268, 26786, 119, 179, 554, 350, 1])


def test_sublingual_swallowed_fraction():
    # F(fs) = (1 - fs) Fm + fs Fo with overall F 0.30 at fs 0.5 and oral Fo 0.20, so Fm = 0.40
    mucosal, oral = 2 * 0.30 - 0.20, 0.20
    answer = (mucosal - 0.28) / (mucosal - oral)
    assert check(SWALLOWED, answer)
    assert not check(SWALLOWED, 0.5)
    assert "fraction" in repr(check(SWALLOWED, answer * 100))
    assert "0.6" not in repr(check(SWALLOWED, 0.1))


def test_swallowed_fraction_misconceptions():
    answer = (0.40 - 0.28) / (0.40 - 0.20)
    assert check(SWALLOWED, f"{answer:.0%}") and check(SWALLOWED, f"{answer * 100:.0f} percent")
    refused = check(SWALLOWED, answer * 100)
    assert refused.status == "unreadable" and "between 0 and 1" in refused.message and refused.tries == 0
    assert "absorbed under the tongue" in hint(SWALLOWED, 1 - answer)
    assert "overall bioavailability the task asks for" in hint(SWALLOWED, 0.28)
    assert "default swallowed fraction" in hint(SWALLOWED, 0.5)
    assert_never_shown(SWALLOWED, answer, [0.4, 0.28, 0.5, 0.1, 0.9, 0.75])
