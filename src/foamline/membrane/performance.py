"""Membrane performance from its pore network: water permeance, bubble point, filtration class.

Permeance J / dP = Q / (A dP) of the slab, in L m^-2 h^-1 bar^-1 (LMH/bar) and as the water flow
in mL min^-1 cm^-2 at 0.7 bar (1 mL min^-1 cm^-2 = 600 LMH; structure-membrane.md section 3.2).
A reinforcement layer (claim 4) adds its hydraulic resistance in series: a fibrous layer of solid
fraction alpha = 1 - porosity and fibre diameter d_f has the permeability of Davies (Proc. Inst.
Mech. Eng. B 1 (1952) 185), k = d_f^2 / (64 alpha^1.5 (1 + 56 alpha^3)), so
1 / J_total = 1 / J_membrane + mu L_r / k (per side).

The bubble point is P_bp = 4 gamma cos(theta) C / d_bp with the bubble-point diameter of the
network (:func:`.network.bubble_point_diameter`). The flow-equivalent pore diameter is the
diameter of straight capillaries of the membrane's porosity that give its permeance,
d_flow = sqrt(32 mu L J / (epsilon dP)) (structure-membrane.md section 3.2, capillary model).

Cells, windows and flow-equivalent pores are three sizes. The claims speak of the "pore
diameter" of an open-cell membrane; foamline evaluates claims 1-3 on the cell size, the size a
person measures on an SEM section and the patent's "cells", and reports the other two beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from foamline.membrane.network import PoreNetwork, bubble_point_diameter, flow_rate

LMH_PER_M_S = 1000.0 * 3600.0  # L/(m2 h) per m/s


@dataclass(frozen=True)
class Liquid:
    name: str
    surface_tension: float  # N/m
    viscosity: float  # Pa s
    source: str


LIQUIDS = {
    "water": Liquid(
        "water", 0.0728, 1.002e-3, "20 C, IAPWS; structure-membrane.md section 3.2 (recalled)"
    ),
    "isopropanol": Liquid(
        "isopropanol", 0.0217, 2.4e-3, "20 C, handbook value 21-22 mN/m (recalled)"
    ),
    "galwick": Liquid(
        "galwick", 0.0159, 1.7e-3, "Galwick / Porewick 15.9 mN/m, PMI data (recalled)"
    ),
}

FiltrationClass = Literal["microfiltration", "macrofiltration", "outside the claimed ranges"]
MICROFILTRATION_UM = (0.05, 30.0)  # claim 2: mean pore diameter, um, both ends included
MACROFILTRATION_UM = (30.0, 200.0)  # claim 3: more than 30 up to 200 um


def filtration_class(pore_diameter: float) -> FiltrationClass:
    """Claim 2: 0.05-30 um microfiltration; claim 3: above 30 up to 200 um macrofiltration."""
    um = pore_diameter * 1e6
    if MICROFILTRATION_UM[0] <= um <= MICROFILTRATION_UM[1]:
        return "microfiltration"
    if MACROFILTRATION_UM[0] < um <= MACROFILTRATION_UM[1]:
        return "macrofiltration"
    return "outside the claimed ranges"


def fibrous_permeability(porosity: float, fibre_diameter: float) -> float:
    """Darcy permeability (m2) of a fibrous layer (Davies 1952)."""
    alpha = 1.0 - porosity
    return fibre_diameter**2 / (64.0 * alpha**1.5 * (1.0 + 56.0 * alpha**3))


@dataclass(frozen=True)
class Performance:
    """Permeance, bubble point and the flow-equivalent pore size of a membrane."""

    permeance_lmh_bar: float
    permeability_m2: float  # Darcy permeability of the network slab (without reinforcement)
    flow_ml_min_cm2_at_0p7_bar: float
    bubble_point_bar: float
    bubble_point_diameter_um: float
    flow_equivalent_diameter_um: float
    liquid: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def performance(
    network: PoreNetwork,
    porosity: float,
    liquid: str = "water",
    contact_angle_rad: float = 0.0,
    shape_factor: float = 1.0,
    reinforcement: Any = None,
) -> Performance:
    """Water permeance and bubble point of the slab of ``network`` (see module docstring).

    ``reinforcement``: a recipe ``ReinforcementSpec`` (thickness, porosity, fibre_diameter, sides)
    or None.
    """
    fluid = LIQUIDS[liquid]
    water = LIQUIDS["water"]
    dp = 1e5
    flux = flow_rate(network, dp, water.viscosity) / network.area  # m/s at 1 bar
    permeance = flux / dp  # m/(s Pa)
    permeability = permeance * water.viscosity * network.thickness
    if reinforcement is not None and permeance > 0.0:
        k = fibrous_permeability(reinforcement.porosity, reinforcement.fibre_diameter)
        layer = water.viscosity * reinforcement.thickness / k * reinforcement.sides
        permeance = 1.0 / (1.0 / permeance + layer)
    d_bp = bubble_point_diameter(network)
    p_bp = (
        4.0 * fluid.surface_tension * math.cos(contact_angle_rad) * shape_factor / d_bp
        if d_bp > 0
        else math.inf
    )
    d_flow = (
        math.sqrt(32.0 * water.viscosity * network.thickness * permeance / porosity)
        if porosity > 0
        else 0.0
    )
    lmh_bar = permeance * 1e5 * LMH_PER_M_S
    return Performance(
        permeance_lmh_bar=lmh_bar,
        permeability_m2=permeability,
        flow_ml_min_cm2_at_0p7_bar=lmh_bar * 0.7 / 600.0,
        bubble_point_bar=p_bp / 1e5,
        bubble_point_diameter_um=d_bp * 1e6,
        flow_equivalent_diameter_um=d_flow * 1e6,
        liquid=liquid,
    )
