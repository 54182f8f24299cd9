"""Unit conversions used across the model, so no module writes a bare 1000 or 60.

Examples
--------
>>> 35.0 / 25.0 * NG_ML_PER_MG_L     # 35 mg in 25 L, in ng/mL
1400.0
>>> 84.0 / MIN_PER_H                 # 84 L/h in L/min
1.4
"""
from __future__ import annotations

__all__ = ["NG_ML_PER_MG_L", "MIN_PER_H", "REFERENCE_WEIGHT_KG"]

NG_ML_PER_MG_L = 1000.0      # 1 mg/L = 1000 ng/mL (= 1 ug/mL)
MIN_PER_H = 60.0
REFERENCE_WEIGHT_KG = 70.0   # population models report their parameters for a 70-kg adult
