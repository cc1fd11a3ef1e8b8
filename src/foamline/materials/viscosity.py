"""Shear viscosity of the melt: Cross model, temperature shift, pressure and gas plasticisation.

Cross model:  eta = eta_0 / [1 + (eta_0 gamma_dot / tau*)^(1 - n)]
Zero-shear viscosity eta_0(T, P) by the polymer's ``viscosity_model``:
- ``cross_wlf``:       eta_0 = D1 exp[-A1 (T - T*) / (A2 + T - T*)],  T* = D2 + D3 P (Moldflow)
- ``cross_arrhenius``: eta_0 = eta_ref exp[(E_a / R)(1/T - 1/T_ref)]
- ``cross_wlf_tg``:    eta_0 = eta_ref a(T) / a(T_ref),  ln a(T) = -A1 (T - Tg) / (A2 + T - Tg),
  with the universal WLF constants A1 = 2.303 x 17.44, A2 = 51.6 K.
Pressure, where D3 does not carry it: eta_0 x exp(beta_p P).
Plasticisation by dissolved fluids (w_i in kg per kg polymer):
- ``"exponential"`` (default): eta_0 x exp(-sum_i beta_c,i 100 w_i), beta_c per wt% from the pair
  data (LDPE-CO2: 0.24 per wt%, from eta falling to 30 % at 5 wt%, Areerat et al. 2002);
- ``"wlf_chow"``: the WLF shift between Tg0 and Tg(w) of the Chow model (Kwag et al. 2001). It
  tends to overpredict the reduction far above Tg (Wingert et al. 2009): use it near Tg.
At or below the WLF divergence (T <= T* - A2) the melt is a glass: the functions return ``inf``.

References
----------
Cross, M.M. J. Colloid Sci. 20 (1965) 417. Williams, Landel, Ferry, J. Am. Chem. Soc. 77 (1955)
3701. Areerat, Nagata, Ohshima, Polym. Eng. Sci. 42 (2002) 2234. Kwag, Manke, Gulari, Ind. Eng.
Chem. Res. 40 (2001) 3048. Wingert et al., Ind. Eng. Chem. Res. 48 (2009) 5460.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from foamline.materials.glass_transition import glass_transition
from foamline.materials.library import Polymer, pair
from foamline.materials.solubility import R_GAS

PLASTICISATION_MODELS = ("exponential", "wlf_chow")


def _wlf(A1: float, A2: float, dT):
    """ln of the WLF shift factor for T - T_ref = dT (a number or an array); +inf at and below
    the divergence."""
    if isinstance(dT, np.ndarray):
        glass = A2 + dT <= 0.0
        out = -A1 * dT / np.where(glass, 1.0, A2 + dT)
        out[glass] = math.inf
        return out
    if A2 + dT <= 0.0:
        return math.inf
    return -A1 * dT / (A2 + dT)


def _ln_eta0_neat(polymer: Polymer, T: float, P: float, Tg: float | None = None) -> float:
    model = polymer.info["viscosity_model"]
    if model == "cross_wlf":
        t_star = polymer["cross_D2"] + polymer["cross_D3"] * P
        if Tg is not None:  # plasticised: shift the reference with the Tg depression
            t_star += Tg - polymer["Tg"]
        ln_eta = math.log(polymer["cross_D1"]) + _wlf(
            polymer["cross_A1"], polymer["cross_A2"], T - t_star
        )
        if polymer["cross_D3"] != 0.0:
            return ln_eta
    elif model == "cross_arrhenius":
        ln_eta = math.log(polymer["eta0_ref"]) + polymer["Ea_flow"] / R_GAS * (
            1.0 / T - 1.0 / polymer["eta_T_ref"]
        )
    elif model == "cross_wlf_tg":
        tg = polymer["Tg"] if Tg is None else Tg
        a1, a2 = polymer["wlf_A1"], polymer["wlf_A2"]
        ln_eta = (
            math.log(polymer["eta0_ref"])
            + _wlf(a1, a2, T - tg)
            - _wlf(a1, a2, polymer["eta_T_ref"] - polymer["Tg"])
        )
    else:
        raise ValueError(f"unknown viscosity model '{model}' for {polymer.name}")
    return ln_eta + polymer.get("visc_pressure_coeff", 0.0) * P


def ln_neat_zero_shear_viscosity(polymer: Polymer, T, P=1e5):
    """ln of the neat melt's zero-shear viscosity (eta_0 in Pa s) at T (K), P (Pa), numbers or
    arrays of one shape; ``inf`` for a glass. With the exponential plasticisation,
    ln eta_0(w) = this - sum_i beta_c,i 100 w_i."""
    return _ln_eta0_neat(polymer, T, P)


def plasticisation_coefficients(polymer: Polymer, fluids: list[str] | tuple[str, ...]) -> list:
    """beta_c,i x 100 per fluid: the drop of ln eta_0 per kg/kg dissolved (exponential model)."""
    return [pair(polymer.name, name)["visc_reduction"] * 100.0 for name in fluids]


def zero_shear_viscosity(
    polymer: Polymer,
    T: float,
    P: float = 1e5,
    dissolved: Mapping[str, float] | None = None,
    plasticisation: str = "exponential",
) -> float:
    """Zero-shear viscosity eta_0, Pa s, at T (K), P (Pa), with ``dissolved`` (fluid -> kg/kg).

    >>> from foamline.materials import polymer
    >>> round(zero_shear_viscosity(polymer("PS"), 473.15, 0.0) / 1e3, 1)   # Styron 678E, 5.6 kPa s
    5.6
    """
    if plasticisation not in PLASTICISATION_MODELS:
        raise ValueError(f"plasticisation must be one of {PLASTICISATION_MODELS}")
    if dissolved and plasticisation == "wlf_chow":
        ln_eta = _ln_eta0_neat(polymer, T, P, Tg=glass_transition(polymer, dissolved))
    else:
        ln_eta = _ln_eta0_neat(polymer, T, P)
        if dissolved:
            ln_eta -= sum(
                pair(polymer.name, name)["visc_reduction"] * 100.0 * w
                for name, w in dissolved.items()
            )
    return math.inf if ln_eta > 709.0 else math.exp(ln_eta)  # exp overflows beyond 709


def viscosity(
    polymer: Polymer,
    T: float,
    shear_rate: float,
    P: float = 1e5,
    dissolved: Mapping[str, float] | None = None,
    plasticisation: str = "exponential",
) -> float:
    """Shear viscosity, Pa s, by the Cross model at shear rate ``shear_rate`` (1/s)."""
    eta0 = zero_shear_viscosity(polymer, T, P, dissolved, plasticisation)
    if math.isinf(eta0) or eta0 == 0.0 or shear_rate == 0.0:
        # a glass; or ln eta_0 below -745 (a trial state of a pressure search far below
        # vacuum, with the pressure coefficient): exp underflows, and so would the Cross law
        return eta0
    # in logs: eta0 * gamma overflows near the glass, and eta0 / inf would give 0
    x = (1.0 - polymer["n"]) * math.log(eta0 * abs(shear_rate) / polymer["tau_star"])
    return math.exp(math.log(eta0) - (x if x > 30.0 else math.log1p(math.exp(x))))
