"""The library's contents: coverage of the claims, and a source and flag on every value."""

from __future__ import annotations

import pytest

from foamline.errors import MaterialError
from foamline.materials import CLAIM_FAMILIES, fluid, fluids, pair, polymer, polymers
from foamline.materials.library import FLAGS

MODEL_KEYS = {
    "tait": ["tait_A0", "tait_A1", "tait_A2", "tait_B0", "tait_B1"],
    "expansion": ["rho_ref", "rho_T_ref", "alpha_v", "tait_B0", "tait_B1"],
    "cross_wlf": ["cross_D1", "cross_D2", "cross_D3", "cross_A1", "cross_A2"],
    "cross_arrhenius": ["eta0_ref", "eta_T_ref", "Ea_flow"],
    "cross_wlf_tg": ["eta0_ref", "eta_T_ref", "wlf_A1", "wlf_A2"],
}
COMMON_KEYS = [
    "Tg",
    "T_process_min",
    "T_process_max",
    "M_repeat",
    "delta_cp",
    "chow_z",
    "rho_solid",
    "n",
    "tau_star",
    "gamma_20C",
    "dgamma_dT",
    "k_melt",
    "cp_melt",
]


def test_library_covers_every_family_of_claims_5_and_11() -> None:
    assert len(polymers()) >= 13
    assert set(CLAIM_FAMILIES) <= {p.family for p in polymers()}
    for name in [
        "CA",
        "CAB",
        "PP",
        "HDPE",
        "LDPE",
        "PET",
        "PBT",
        "PLA",
        "PSU",
        "PES",
        "PA6",
        "PA66",
        "PS",
    ]:
        polymer(name)


def test_fluids_of_the_granted_claim_are_present() -> None:
    # US 6,960,616 names air, N2, CO2, water and He; ethanol is a further liquid cell former.
    assert {"Air", "N2", "CO2", "H2O", "He", "Ethanol"} <= {f.name for f in fluids()}


@pytest.mark.parametrize("p", polymers(), ids=lambda p: p.name)
def test_every_polymer_has_what_its_models_need(p) -> None:
    for key in (
        COMMON_KEYS + MODEL_KEYS[p.info["density_model"]] + MODEL_KEYS[p.info["viscosity_model"]]
    ):
        assert key in p, f"{p.name} lacks {key}"
    if p.semicrystalline:
        assert p["Tm"] > p["Tg"]
        assert p["T_process_min"] > p["Tm"] - 1.0
    assert p["T_process_max"] > p["T_process_min"] > p["Tg"]


def test_every_value_carries_a_flag_and_a_source() -> None:
    tables = [p.values for p in polymers()] + [f.values for f in fluids()]
    tables += [pair(p.name, f.name).values for p in polymers() for f in fluids()]
    for values in tables:
        for key, value in values.items():
            assert value.flag in FLAGS, key
            assert len(value.source) > 10, key


def test_pes_needs_at_least_320_c() -> None:
    # Hereon, Polymers 15 (2023) 118: neat PESU foam extrusion needs >= 320 C (verified).
    assert polymer("PES")["T_process_min"] >= 593.15 - 1e-9


def test_names_are_case_insensitive_and_aliases_work() -> None:
    assert polymer("pesu").name == "PES"
    assert fluid("water").name == "H2O"
    assert fluid("carbon dioxide").name == "CO2"


def test_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(MaterialError, match="did you mean 'PES'"):
        polymer("PESS")


def test_pair_falls_back_to_family_then_general_default() -> None:
    assert pair("PP", "N2").info["basis"][0] == "default_polyolefins"
    assert pair("PES", "N2").info["basis"] == ["default"]
    assert pair("PES", "CO2").info["basis"][0] == "PES"
