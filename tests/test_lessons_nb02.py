"""Notebook 02's checked tasks accept the right answer, reject wrong ones, and never reveal it."""
from helpers import check

CL_L_PER_H_70KG = 84.0     # Kamp 2020, helpers/data/disposition_models.toml


def test_intranasal_auc():
    answer = 0.45 * 50.0 / CL_L_PER_H_70KG * 1000.0   # AUC = F x dose / CL, ng h/mL
    assert check("02_intranasal_auc", answer)
    assert not check("02_intranasal_auc", 50.0 / CL_L_PER_H_70KG * 1000.0)   # forgot F
    assert not check("02_intranasal_auc", answer * 60)                        # ng min/mL
    assert f"{answer:.0f}" not in repr(check("02_intranasal_auc", 1.0))


def test_sublingual_swallowed_fraction():
    # F(fs) = (1 - fs) Fm + fs Fo with overall F 0.30 at fs 0.5 and oral Fo 0.20, so Fm = 0.40
    mucosal, oral = 2 * 0.30 - 0.20, 0.20
    answer = (mucosal - 0.28) / (mucosal - oral)
    assert check("02_sublingual_swallowed_fraction", answer)
    assert not check("02_sublingual_swallowed_fraction", 0.5)
    assert "fraction" in repr(check("02_sublingual_swallowed_fraction", answer * 100))
    assert "0.6" not in repr(check("02_sublingual_swallowed_fraction", 0.1))
