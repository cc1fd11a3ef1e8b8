"""The membrane: water permeance, bubble point and filtration class from a pore network.

``PoreNetwork`` holds cells and windows; ``performance`` gives permeance (LMH/bar), the water
flow at 0.7 bar, the bubble point for a chosen liquid and shape factor, and the flow-equivalent
pore size; ``filtration_class`` applies claims 2 and 3. See docs/membrane.md.
"""

from foamline.membrane.network import (
    PoreNetwork,
    bubble_point_diameter,
    flow_rate,
    throat_conductance,
)
from foamline.membrane.performance import (
    LIQUIDS,
    Performance,
    fibrous_permeability,
    filtration_class,
    performance,
)
from foamline.membrane.stokes import stokes_permeability

__all__ = [
    "LIQUIDS",
    "Performance",
    "PoreNetwork",
    "bubble_point_diameter",
    "fibrous_permeability",
    "filtration_class",
    "flow_rate",
    "performance",
    "stokes_permeability",
    "throat_conductance",
]
