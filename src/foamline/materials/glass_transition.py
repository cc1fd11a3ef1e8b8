"""Glass transition of the gas-laden melt: Chow's lattice model.

ln(Tg / Tg0) = beta [(1 - theta) ln(1 - theta) + theta ln(theta)]
theta = (M_p / z) sum_i (omega_i / M_i) / (1 - sum_i omega_i) = (M_p / z) sum_i w_i / M_i
beta  = z R / (M_p dCp)

omega_i is the mass fraction of fluid i in the mixture, w_i = omega_i / (1 - sum omega) the mass of
fluid per mass of polymer (the form used throughout foamline); M_p is the repeat-unit molar mass,
dCp the heat-capacity step at Tg and z the lattice coordination number (1 or 2; z = 2 reproduces
the measured Tg of PS under CO2, materials.md section 8). Several diluents add their moles per
lattice site, the natural extension of Chow's theta.

The bracket has its minimum, -ln 2, at theta = 1/2 and rises beyond it, which is outside the
model's range; theta is capped at 1/2 so that Tg never rises with more gas.

References
----------
Chow, T.S. Molecular interpretation of the glass transition temperature of polymer-diluent
systems. Macromolecules 13 (1980) 362-364.
Condo, P.D. et al. Macromolecules 25 (1992) 6119 (measured Tg of PS-CO2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from foamline.materials.library import Polymer, fluid
from foamline.materials.solubility import R_GAS


def chow_theta(polymer: Polymer, dissolved: Mapping[str, float | np.ndarray]):
    """Chow's theta for ``dissolved`` (fluid -> kg per kg polymer, numbers or arrays)."""
    moles_per_kg = sum(w / fluid(name)["M"] for name, w in dissolved.items())
    return polymer["M_repeat"] * moles_per_kg / polymer["chow_z"]


def glass_transition(polymer: Polymer, dissolved: Mapping[str, float] | None = None) -> float:
    """Glass transition temperature, K, of the melt holding ``dissolved`` fluids.

    >>> from foamline.materials import polymer
    >>> round(glass_transition(polymer("PS"), {"CO2": 0.05 / 0.95}))   # materials.md section 8
    329
    """
    tg0 = polymer["Tg"]
    if not dissolved:
        return tg0
    theta = min(chow_theta(polymer, dissolved), 0.5)
    if theta <= 0.0:
        return tg0
    return tg0 * float(_chow_ratio(polymer, theta))


def glass_transitions(polymer: Polymer, dissolved: Mapping[str, np.ndarray]) -> np.ndarray:
    """:func:`glass_transition` at many states: ``dissolved`` maps each fluid to an array of
    loadings (kg per kg polymer), one per state; K, one per state."""
    theta = np.minimum(np.asarray(chow_theta(polymer, dissolved), dtype=float), 0.5)
    laden = theta > 0.0
    ratio = _chow_ratio(polymer, np.where(laden, theta, 0.5))  # any theta in (0, 1/2] if no gas
    return polymer["Tg"] * np.where(laden, ratio, 1.0)


def _chow_ratio(polymer: Polymer, theta):
    """Tg / Tg0 = exp(beta [(1 - theta) ln(1 - theta) + theta ln theta]) for theta in (0, 1/2]
    (a number or an array), beta = z R / (M_p dCp)."""
    beta = polymer["chow_z"] * R_GAS / (polymer["M_repeat"] * polymer["delta_cp"])
    return np.exp(beta * ((1.0 - theta) * np.log1p(-theta) + theta * np.log(theta)))
