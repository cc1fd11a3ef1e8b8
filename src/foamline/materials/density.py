"""Melt density: Tait equation, with a thermal-expansion fallback, and gas swelling.

Tait (Danner & High form, universal C = 0.0894):
    V(T, P) = V0(T) [1 - C ln(1 + P / B(T))],  B(T) = B0 exp(-B1 t),  t = T - 273.15 K
    V0(T) = A0 + A1 t + A2 t^2                       (density_model = "tait")
    V0(T) = (1 + alpha_v (T - T_ref)) / rho_ref      (density_model = "expansion")
Swollen melt with dissolved fluids (ideal volume additivity with a partial specific volume v_i):
    rho_mix = (1 + sum w_i) / (V(T, P) + sum w_i v_i),  w_i = kg fluid per kg polymer.

References
----------
Danner, R.P., High, M.S. Handbook of Polymer Solution Thermodynamics, AIChE DIPPR (1993),
as tabulated in the polykin package (Tait_parameters.tsv).
Li, Y.G., Park, C.B. Ind. Eng. Chem. Res. 48 (2009) 6633 (swelling of PP by CO2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from foamline.materials.library import Polymer, fluid

TAIT_C = 0.0894


def specific_volume(polymer: Polymer, T, P=1e5):
    """Specific volume of the neat melt, m3/kg, at ``T`` (K) and ``P`` (Pa), numbers or arrays of
    one shape."""
    if isinstance(T, np.ndarray) or isinstance(P, np.ndarray):
        exp, log1p, P = np.exp, np.log1p, np.maximum(P, 0.0)
    else:
        exp, log1p, P = math.exp, math.log1p, max(P, 0.0)
    t = T - 273.15
    if polymer.info["density_model"] == "tait":
        v0 = polymer["tait_A0"] + polymer["tait_A1"] * t + polymer["tait_A2"] * t * t
    else:
        v0 = (1.0 + polymer["alpha_v"] * (T - polymer["rho_T_ref"])) / polymer["rho_ref"]
    b = polymer["tait_B0"] * exp(-polymer["tait_B1"] * t)
    return v0 * (1.0 - TAIT_C * log1p(P / b))


def melt_density(polymer: Polymer, T, P=1e5):
    """Density of the neat melt, kg/m3, at ``T`` (K) and ``P`` (Pa), numbers or arrays of one
    shape.

    >>> from foamline.materials import polymer
    >>> round(melt_density(polymer("PS"), 473.15))   # Danner & High Tait set, materials.md 3a
    970
    """
    return 1.0 / specific_volume(polymer, T, P)


def swollen_density(polymer: Polymer, T, P, dissolved: Mapping[str, float]):
    """Density of the gas-laden melt, kg/m3, at T (K) and P (Pa), numbers or arrays of one shape;
    ``dissolved`` maps fluid -> kg per kg polymer."""
    total = sum(dissolved.values())
    volume = specific_volume(polymer, T, P) + sum(
        w * fluid(name)["v_partial"] for name, w in dissolved.items()
    )
    return (1.0 + total) / volume
