"""Static mixers in the heat exchanger (claims 13 and 14): laminar design figures by type.

Each type has four figures, every one a calibratable value the recipe may override in
``[heat_exchanger.mixer]``:

- ``element_length_ratio``: element length / tube bore;
- ``z_factor``: laminar pressure drop of the mixer / drop of the empty tube of the same length
  (Z = Ne Re (mixer) / Ne Re (tube));
- ``heat_transfer_enhancement``: Nusselt number with the mixer / empty-tube Nusselt number;
- ``striation_reduction``: factor by which one element divides the thickness of the layers.
"""

from __future__ import annotations

from dataclasses import dataclass

from foamline.recipe import MixerSpec


@dataclass(frozen=True)
class MixerData:
    """Laminar design figures of one static-mixer type, each with its source and flag."""

    element_length_ratio: float
    z_factor: float
    heat_transfer_enhancement: float
    striation_reduction: float
    sources: dict[str, str]


_THAKUR = "Thakur et al., Chem. Eng. Res. Des. 81 (2003) 787, laminar Ne Re table"
MIXERS: dict[str, MixerData] = {
    "SMX": MixerData(
        element_length_ratio=1.0,
        z_factor=37.5,
        heat_transfer_enhancement=5.0,
        striation_reduction=3.0,
        sources={
            "element_length_ratio": "recalled: standard Sulzer SMX element L/D = 1",
            "z_factor": f"recalled: Ne Re = 1237 vs 32 for the empty tube ({_THAKUR})",
            "heat_transfer_enhancement": "estimated: 3-5 x the empty tube in laminar flow "
            f"({_THAKUR}; Sulzer data)",
            "striation_reduction": "estimated: one SMX element does the work of about 1.6 "
            "Kenics elements (Meijer, Singh, Anderson, Prog. Polym. Sci. 37 (2012) 1333)",
        },
    ),
    "SMXL": MixerData(
        element_length_ratio=1.0,
        z_factor=7.8,
        heat_transfer_enhancement=3.0,
        striation_reduction=2.0,
        sources={
            "element_length_ratio": "estimated: L/D about 1",
            "z_factor": f"recalled: Ne Re about 245 ({_THAKUR})",
            "heat_transfer_enhancement": f"estimated: about 3 x the empty tube ({_THAKUR})",
            "striation_reduction": "estimated: about 2 per element",
        },
    ),
    "Kenics": MixerData(
        element_length_ratio=1.5,
        z_factor=6.9,
        heat_transfer_enhancement=2.5,
        striation_reduction=2.0,
        sources={
            "element_length_ratio": "recalled: standard Kenics KM helical element L/D = 1.5",
            "z_factor": f"recalled: Ne Re about 220 ({_THAKUR})",
            "heat_transfer_enhancement": f"estimated: 2-3 x the empty tube ({_THAKUR})",
            "striation_reduction": "recalled: each element splits the stream in two, "
            "s_N = D / 2^N (Middleman, Fundamentals of Polymer Processing, 1977)",
        },
    ),
}


def mixer_figures(spec: MixerSpec) -> MixerData | None:
    """The design figures of ``spec`` (library values, with the recipe's overrides), or None."""
    if spec.type == "none":
        return None
    base = MIXERS[spec.type]
    sources = dict(base.sources)
    values = {}
    for key in ("z_factor", "heat_transfer_enhancement", "striation_reduction"):
        given = getattr(spec, key)
        values[key] = getattr(base, key) if given is None else given
        if given is not None:
            sources[key] = "recipe"
    return MixerData(base.element_length_ratio, sources=sources, **values)
