"""Materials library: sourced data for polymers and fluids, and property models as functions.

All functions take and return SI units (K, Pa, kg, m, s). Dissolved fluids are given as a mapping
fluid name -> kg fluid per kg polymer (wt% of polymer / 100).
"""

from foamline.materials.density import melt_density, specific_volume, swollen_density
from foamline.materials.diffusivity import diffusivity
from foamline.materials.fluids import (
    critical_temperature,
    is_dense,
    vapour_pressure,
    water_surface_tension,
)
from foamline.materials.fluids import density as fluid_density
from foamline.materials.glass_transition import glass_transition
from foamline.materials.library import (
    CLAIM_FAMILIES,
    Fluid,
    Pair,
    Polymer,
    Value,
    fluid,
    fluids,
    pair,
    polymer,
    polymers,
)
from foamline.materials.solubility import (
    henry_constant,
    max_dissolved,
    partial_pressures,
    require_dissolved,
    saturation_pressure,
    solubility,
)
from foamline.materials.surface_tension import neat_surface_tension, surface_tension
from foamline.materials.viscosity import viscosity, zero_shear_viscosity

__all__ = [
    "CLAIM_FAMILIES",
    "Fluid",
    "Pair",
    "Polymer",
    "Value",
    "critical_temperature",
    "diffusivity",
    "fluid",
    "fluid_density",
    "fluids",
    "glass_transition",
    "henry_constant",
    "is_dense",
    "max_dissolved",
    "melt_density",
    "neat_surface_tension",
    "pair",
    "partial_pressures",
    "polymer",
    "polymers",
    "require_dissolved",
    "saturation_pressure",
    "solubility",
    "specific_volume",
    "surface_tension",
    "swollen_density",
    "vapour_pressure",
    "viscosity",
    "water_surface_tension",
    "zero_shear_viscosity",
]
