"""Claims 1-17: verdicts with evidence for measured membranes, recipes and line profiles."""

from __future__ import annotations

import pytest

from foamline.claims import MembraneFacts, check
from foamline.line import run_line
from foamline.recipe import recipe_from_dict

GOOD = MembraneFacts(
    polymer_family="polyethersulfones",
    void_fraction=0.82,
    open_cell_fraction=0.90,
    mean_pore_diameter_um=0.45,
    pore_diameter_std_um=0.04,
    reinforced=True,
)


def test_a_membrane_that_meets_claims_1_2_4_5() -> None:
    report = check(GOOD)
    assert [report[c].status for c in (1, 2, 3, 4, 5)] == ["met", "met", "not_met", "met", "met"]
    assert "open cells 90.0 %" in report[1].evidence
    for claim in range(6, 18):
        assert report[claim].status == "not_applicable"


@pytest.mark.parametrize(
    "change",
    [
        {"open_cell_fraction": 0.79},
        {"void_fraction": 0.74},
        {"pore_diameter_std_um": 0.0455},  # 10.1 % of 0.45 um
    ],
)
def test_missing_claim_1_by_a_small_margin_fails_it_and_its_dependants(change: dict) -> None:
    import dataclasses

    report = check(dataclasses.replace(GOOD, **change))
    assert report[1].status == "not_met"
    for claim in (2, 4, 5):
        assert report[claim].status == "not_met", report[claim]
    assert "claim 1" in report[2].evidence


def test_macrofiltration_and_a_polymer_outside_claim_5() -> None:
    import dataclasses

    macro = dataclasses.replace(
        GOOD, mean_pore_diameter_um=80.0, pore_diameter_std_um=6.0, polymer_family="styrenics"
    )
    report = check(macro)
    assert report[2].status == "not_met" and report[3].status == "met"
    assert report[4].status == "met" and report[5].status == "not_met"


def _report(data: dict):
    recipe = recipe_from_dict(data)
    return check(None, recipe, run_line(recipe))


def test_patented_line_recipe_meets_the_method_and_apparatus_claims(example_dict: dict) -> None:
    report = _report(example_dict)
    for claim in range(6, 18):
        assert report[claim].status == "met", report[claim]
    assert "64" in report[7].evidence  # cooled by about 64 K
    assert report[1].status == "not_applicable"


def test_prior_art_single_pump_line_misses_the_improvements(example_dict: dict) -> None:
    del example_dict["melt_pump_2"]
    example_dict["melt_pump_1"].pop("outlet_pressure")
    report = _report(example_dict)
    assert report[6].status == "not_met" and "no second melt pump" in report[6].evidence
    assert report[12].status == "not_met"
    for claim in (7, 13, 14, 15, 16, 17):
        assert report[claim].status == "not_met"  # their parent is not met


def test_co2_alone_misses_the_two_fluids_of_claim_6(example_dict: dict) -> None:
    example_dict["fluids"] = example_dict["fluids"][:1]
    report = _report(example_dict)
    assert report[6].status == "not_met"
    assert report[10].status == "not_met"
    assert report[12].status == "met"  # the apparatus is still the patented one
