"""The recipe format: units in, SI out, and one sentence per problem for bad input."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from foamline import RecipeError, load_recipe
from foamline.recipe import recipe_from_dict


def test_example_loads_and_converts_units_to_si(example_path: Path) -> None:
    recipe = load_recipe(example_path)
    assert recipe.polymer.name == "PES"
    assert recipe.extruder.throughput == pytest.approx(10 / 3600)  # 10 kg/h in kg/s
    assert recipe.extruder.initial_processing_temperature == pytest.approx(653.15)
    assert recipe.melt_pump_1.displacement == pytest.approx(10e-6)  # 10 cm3/rev in m3/rev
    assert recipe.extruder.screw_speed == pytest.approx(1.0)  # 60 rpm in rev/s
    assert recipe.melt_pump_1.outlet_pressure == pytest.approx(330e5)
    assert recipe.die.gap == pytest.approx(0.45e-3)
    assert recipe.melt_pump_1.max_pressure == pytest.approx(400e5)  # a default, converted
    assert recipe.loadings == pytest.approx({"CO2": 0.025, "H2O": 0.005})
    assert recipe.two_pump_line
    assert recipe.heat_exchanger is not None and recipe.heat_exchanger.mixer.type == "SMX"


def test_prior_art_line_is_a_recipe_without_second_pump(example_dict: dict[str, Any]) -> None:
    example_dict.pop("melt_pump_2")
    assert not recipe_from_dict(example_dict).two_pump_line


def test_mass_flow_loading_is_flow_over_throughput(example_dict: dict[str, Any]) -> None:
    fluid = example_dict["fluids"][0]
    fluid.pop("loading")
    fluid["mass_flow"] = "0.25 kg/h"
    assert recipe_from_dict(example_dict).loadings["CO2"] == pytest.approx(0.025)


def test_volume_flow_loading_uses_coolprop_density_at_the_pump_head(
    example_dict: dict[str, Any],
) -> None:
    # 5 mL/min of CO2 metered at 5 C and the injection pressure of 250 bar: CoolProp gives
    # rho = 1019 kg/m3 (compressed liquid), i.e. 0.306 kg/h into 10 kg/h of polymer.
    example_dict["injection"]["pressure"] = "250 bar"
    fluid = example_dict["fluids"][0]
    fluid.pop("loading")
    fluid["volume_flow"] = "5 mL/min"
    loading = recipe_from_dict(example_dict).loadings["CO2"]
    assert loading == pytest.approx(1019.0 * 5e-6 * 60 / 10, rel=0.01)


def test_grade_override_replaces_library_value(example_dict: dict[str, Any]) -> None:
    example_dict["polymer"]["overrides"] = {"Tg": "230 degC", "eta0_ref": "1.5 kPa*s"}
    polymer = recipe_from_dict(example_dict).polymer_material
    assert polymer["Tg"] == pytest.approx(503.15)
    assert polymer["eta0_ref"] == pytest.approx(1500.0)
    assert polymer.values["Tg"].flag == "recipe"


def _set(path: str, value: Any):
    def apply(d: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        for key in parents:
            d = d[int(key)] if key.isdigit() else d[key]
        if value is _DELETE:
            del d[leaf]
        else:
            d[leaf] = value

    return apply


_DELETE = object()


def _both(first, second):
    def apply(d: dict[str, Any]) -> None:
        first(d)
        second(d)

    return apply


#: (what is wrong, how to make it wrong, words the one sentence must contain)
BAD_RECIPES = [
    ("unknown polymer", _set("polymer.name", "PESS"), ["polymer.name", "PESS", "PES"]),
    ("unknown fluid", _set("fluids.0.name", "C02"), ["fluids[0].name", "C02", "CO2"]),
    ("missing quantity", _set("extruder.throughput", _DELETE), ["extruder.throughput", "missing"]),
    ("negative quantity", _set("extruder.throughput", "-5 kg/h"), ["-5 kg/h", "greater than 0"]),
    ("unit not fitting", _set("extruder.throughput", "12 bar"), ["12 bar", "pressure", "kg/h"]),
    ("quantity without unit", _set("die.width", 200), ["die.width", "no unit", "mm"]),
    ("zero die gap", _set("die.gap", "0 mm"), ["die.gap", "0 mm", "greater than 0"]),
    (
        "below Tg (amorphous)",
        _set("extruder.initial_processing_temperature", "200 degC"),
        ["initial_processing_temperature", "glass transition", "PES"],
    ),
    ("no fluid", _set("fluids", []), ["at least one blowing fluid"]),
    ("unknown field", _set("extruder.thruput", "10 kg/h"), ["thruput", "throughput"]),
    ("wrong choice", _set("die.type", "round-hole"), ["die.type", "wide-slit"]),
    (
        "fraction above 1",
        _set("melt_pump_1.volumetric_efficiency", 1.4),
        ["volumetric_efficiency", "1.4"],
    ),
    ("two loadings", _set("fluids.0.mass_flow", "1 kg/h"), ["exactly one of loading"]),
    (
        "water beyond activity 1",  # below water's critical temperature, so activity caps it
        _both(
            _set("fluids.1.loading", "5 wt%"),
            _set("extruder.initial_processing_temperature", "350 degC"),
        ),
        ["H2O", "cannot dissolve", "any pressure"],
    ),
    (
        "loading beyond pump rating",
        _set("fluids.0.loading", "20 wt%"),
        ["to stay dissolved", "rating"],
    ),
    ("duplicate fluid", _set("fluids.1.name", "CO2"), ["CO2", "more than once"]),
    ("gap wider than slit", _set("die.gap", "300 mm"), ["die.gap", "smaller than die.width"]),
    ("unsupported schema", _set("schema", "foamline.recipe/9"), ["schema", "foamline.recipe/1"]),
    (
        "override of unknown property",
        _set("polymer.overrides", {"Tgg": "230 degC"}),
        ["overrides.Tgg", "Tg"],
    ),
    ("section not a table", _set("extruder", "big"), ["extruder", "table"]),
    (
        "negative site density",
        _set("knobs.nucleation_site_density", "-1e10 1/cm3"),
        ["nucleation_site_density", "-1e10 1/cm3", "greater than 0"],
    ),
    (
        "site density not per volume",
        _set("knobs.nucleation_site_density", "1e10 1/cm2"),
        ["nucleation_site_density", "1/cm3"],
    ),
]


@pytest.mark.parametrize(("label", "mutate", "words"), BAD_RECIPES, ids=[b[0] for b in BAD_RECIPES])
def test_bad_recipe_gives_one_sentence_naming_field_and_value(
    example_dict: dict[str, Any], label: str, mutate, words: list[str]
) -> None:
    mutate(example_dict)
    with pytest.raises(RecipeError) as info:
        recipe_from_dict(example_dict)
    problems = info.value.problems
    assert len(problems) == 1, problems
    sentence = problems[0]
    assert "\n" not in sentence and "Traceback" not in sentence
    for word in words:
        assert word in sentence, (word, sentence)


def test_semicrystalline_polymer_must_exceed_tm(example_dict: dict[str, Any]) -> None:
    # PP: Tg about -10 C but Tm about 163 C; 150 C is above Tg yet below Tm, so not a melt.
    example_dict["polymer"]["name"] = "PP"
    example_dict["fluids"] = [{"name": "CO2", "loading": "2 wt%"}]
    example_dict["extruder"]["initial_processing_temperature"] = "150 degC"
    with pytest.raises(RecipeError, match="melting point Tm of PP"):
        recipe_from_dict(example_dict)


def test_several_problems_are_each_reported(example_dict: dict[str, Any]) -> None:
    example_dict["die"]["gap"] = "-1 mm"
    example_dict["extruder"]["throughput"] = "3 bar"
    with pytest.raises(RecipeError) as info:
        recipe_from_dict(example_dict)
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("schema = 'foamline.recipe/1'\nname = [unclosed\n", ["not valid TOML", "line"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", ["not a text file"]),
        ("name = 'no schema'\n", ["schema is missing"]),
    ],
    ids=["malformed TOML", "binary file", "no schema"],
)
def test_unreadable_files_are_explained(tmp_path: Path, content, words: list[str]) -> None:
    path = tmp_path / "recipe.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    for word in words:
        assert word in str(info.value)


def test_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="does not exist"):
        load_recipe(tmp_path / "nope.toml")


def test_recipe_is_frozen(example_path: Path) -> None:
    recipe = load_recipe(example_path)
    with pytest.raises(ValidationError):  # frozen: a validated recipe cannot be edited
        recipe.extruder.throughput = 1.0  # type: ignore[misc]
    assert math.isfinite(recipe.extruder.throughput)
