"""Diffusivity of a blowing fluid in the melt (Arrhenius).

D(T) = D_ref exp[-(E_d / R)(1/T - 1/T_ref)]. The concentration dependence is weak in melts
(Sato et al. 1999, 2000), so none is modelled. Below Tg of the gas-laden melt D drops by 1-3
decades (materials.md section 7); the foaming model freezes the structure there instead.

References
----------
Sato, Y. et al. Fluid Phase Equilib. 162 (1999) 261; Ind. Eng. Chem. Res. 39 (2000) 4813.
"""

from __future__ import annotations

import math

from foamline.materials.library import Polymer, pair
from foamline.materials.solubility import R_GAS


def diffusivity(polymer: Polymer, fluid_name: str, T: float) -> float:
    """Diffusion coefficient, m2/s, of ``fluid_name`` in the melt of ``polymer`` at T (K)."""
    data = pair(polymer.name, fluid_name)
    return data["D_ref"] * math.exp(-data["Ed"] / R_GAS * (1.0 / T - 1.0 / data["D_T_ref"]))
