"""The heat exchanger between the melt pumps, with an optional static mixer: the second mixing
stage of claims 6-8 and 12-14.

Heat transfer, tube side, laminar: local Nusselt number of a thermally developing flow in a tube
at constant wall temperature, blending the Leveque entry solution with the fully developed value
(Shah & London, *Laminar Flow Forced Convection in Ducts*, 1978):

    Nu(x) = [3.657^3 + (1.077 / x*^(1/3))^3]^(1/3),   x* = x / (D Pe),  Pe = v D / alpha,

averaged over each step (the Leveque term exactly, :func:`entry_mean`),

multiplied by the Pigford shear-thinning factor [(3n + 1) / (4n)]^(1/3) and, inside the mixer,
by the mixer's heat-transfer enhancement. h = Nu k / D.
Pressure drop: the shear-thinning, gas-plasticised melt in a tube (:mod:`foamline.line.flow`),
times the mixer's Z factor over the mixer length. The mixer elements sit at the exchanger inlet,
where they also thin the fluid layers before the melt cools (slower diffusion).
"""

from __future__ import annotations

import math

from foamline.line.channel import Channel, MarchResult, MixerSection, march
from foamline.line.flow import local_power_law_index, tube_gradient
from foamline.line.melt import Melt
from foamline.line.state import MeltState
from foamline.line.static_mixer import mixer_figures
from foamline.recipe import HeatExchangerSpec

NU_DEVELOPED = 3.657
LEVEQUE = 1.077


def entry_mean(x0: float, x1: float) -> float:
    """Mean of x^(-1/3) over [x0, x1] (m^(-1/3)): 1.5 (x1^(2/3) - x0^(2/3)) / (x1 - x0).

    Averaging the Leveque term over a step, instead of taking it at the midpoint, makes the
    integrated heat flux exact near the inlet singularity (x -> 0)."""
    return 1.5 * (x1 ** (2.0 / 3.0) - x0 ** (2.0 / 3.0)) / (x1 - x0)


def entry_nusselt(
    developed: float, leveque: float, x0: float, x1: float, hydraulic: float, peclet: float
) -> float:
    """Mean Nusselt number over [x0, x1] (m) of a thermally developing laminar duct flow at
    constant wall temperature: [Nu_dev^3 + (C_L / x*^(1/3))^3]^(1/3), x* = x / (D_h Pe), with
    the Leveque term averaged over the step (Shah & London 1978)."""
    entry = leveque * (hydraulic * peclet) ** (1.0 / 3.0) * entry_mean(x0, x1)
    return (developed**3 + entry**3) ** (1.0 / 3.0)


def tube_nusselt(x0: float, x1: float, diameter: float, peclet: float, n: float = 1.0) -> float:
    """Mean local Nusselt number over [x0, x1] (m from the start of heating) in a tube."""
    nu = entry_nusselt(NU_DEVELOPED, LEVEQUE, x0, x1, diameter, peclet)
    return nu * ((3.0 * n + 1.0) / (4.0 * n)) ** (1.0 / 3.0)


def exchanger_channel(spec: HeatExchangerSpec) -> Channel:
    area = math.pi * spec.bore**2 / 4.0
    return Channel(spec.length, area, math.pi * spec.bore, spec.tubes, spec.wall_temperature)


def mixer_section(spec: HeatExchangerSpec) -> MixerSection | None:
    data = mixer_figures(spec.mixer)
    if data is None:
        return None
    element = data.element_length_ratio * spec.bore
    return MixerSection(
        length=min(spec.mixer.elements * element, spec.length),
        element_length=element,
        z_factor=data.z_factor,
        heat_transfer_enhancement=data.heat_transfer_enhancement,
        striation_reduction=data.striation_reduction,
    )


def run_heat_exchanger(
    spec: HeatExchangerSpec, melt: Melt, inlet: MeltState, steps: int = 120
) -> MarchResult:
    """March the melt through the exchanger from ``inlet`` (its pressure set by melt pump 1)."""
    channel = exchanger_channel(spec)
    bore = spec.bore

    def gradient(state: MeltState, q: float) -> tuple[float, float]:
        return tube_gradient(q, bore, melt.viscosity_curve(state))

    def heat_transfer(state: MeltState, x0: float, x1: float, q: float) -> float:
        velocity = q / channel.area
        peclet = velocity * bore / melt.diffusivity_thermal(state)
        _, shear = tube_gradient(q, bore, melt.viscosity_curve(state))
        n = min(1.0, max(0.1, local_power_law_index(melt.viscosity_curve(state), shear)))
        return tube_nusselt(x0, x1, bore, peclet, n) * melt.conductivity / bore

    return march(
        melt, inlet, channel, gradient, heat_transfer, mixer=mixer_section(spec), steps=steps
    )
