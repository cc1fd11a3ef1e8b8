"""`make bench`: timings and accuracy of foamline's building blocks, printed as tables.

Speed matters because a sweep evaluates these functions millions of times; accuracy is shown
against the reference values the tests also use. Run: `make bench` (or python benchmarks/run.py).
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from foamline import compiled, load_recipe, simulate
from foamline.foaming.foam import simulate_foam
from foamline.foaming.nucleation import _ROW_CACHE
from foamline.foaming.properties import _NODE_CACHE
from foamline.line import run_line
from foamline.materials import (
    fluid_density,
    glass_transition,
    melt_density,
    polymer,
    saturation_pressure,
    surface_tension,
    vapour_pressure,
    viscosity,
    zero_shear_viscosity,
)
from foamline.recipe import recipe_from_dict
from foamline.simulate import STAGES

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn: Callable[[], object], repeat: int = 7, number: int = 200) -> float:
    """Median wall time of one call, s, over ``repeat`` batches of ``number`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def median_run(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls, s, and the result of the call that took it."""
    timed = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        timed.append((time.perf_counter() - start, result))
    timed.sort(key=lambda item: item[0])
    return timed[len(timed) // 2]


def numpy_only(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` run with the numpy code instead of the compiled kernels (foamline.compiled)."""

    def run() -> object:
        before, compiled.ENABLED = compiled.ENABLED, False
        try:
            return fn()
        finally:
            compiled.ENABLED = before

    return run


def main() -> None:
    console = Console()
    pes = polymer("PES")
    dissolved = {"CO2": 0.025, "H2O": 0.005}
    T, P = 583.15, 200e5
    example = ROOT / "examples" / "pes_mf_co2_water.toml"
    recipe = load_recipe(example)

    # the recipe of test_die_search_ends_where_free_water_flashes_in_the_die: its pump heating
    # and die pressure feed back with a slope near -1 (the line's Wegstein iteration)
    with example.open("rb") as fh:
        data = tomllib.load(fh)
    data["fluids"][0]["loading"], data["fluids"][1]["loading"] = "2.528 wt%", "0.5822 wt%"
    data["heat_exchanger"]["wall_temperature"] = "321.8 degC"
    data["die"].update(gap="0.4344 mm", land_length="8.225 mm", temperature="337.9 degC")
    slow_to_settle = recipe_from_dict(data)

    timings = Table(
        title="Property calls (median of 7 batches of 200 calls; 3 of one for the slowest)",
        title_justify="left",
    )
    timings.add_column("call")
    timings.add_column("time per call [us]", justify="right")
    cases: list[tuple[str, Callable[[], object], int]] = [
        ("melt_density(PES, 310 C, 200 bar)", lambda: melt_density(pes, T, P), 200),
        (
            "zero_shear_viscosity(PES, + CO2/H2O)",
            lambda: zero_shear_viscosity(pes, T, P, dissolved),
            200,
        ),
        ("viscosity(PES, 100 1/s, + CO2/H2O)", lambda: viscosity(pes, T, 100.0, P, dissolved), 200),
        ("glass_transition(PES, CO2/H2O)", lambda: glass_transition(pes, dissolved), 200),
        ("saturation_pressure(PES, CO2/H2O)", lambda: saturation_pressure(pes, dissolved, T), 200),
        ("surface_tension(PES, CO2/H2O)", lambda: surface_tension(pes, T, dissolved), 50),
        ("fluid_density(CO2) [CoolProp]", lambda: fluid_density("CO2", T, P), 200),
        ("vapour_pressure(H2O) [spline of CoolProp]", lambda: vapour_pressure("H2O", T), 200),
        ("load_recipe(example a)", lambda: load_recipe(example), 5),
        ("run_line(example a) [120 steps per unit]", lambda: run_line(recipe), 1),
    ]
    for label, fn, number in cases:
        timings.add_row(label, f"{median_time(fn, number=number) * 1e6:,.1f}")
    slow = median_time(lambda: run_line(slow_to_settle), repeat=3, number=1)
    timings.add_row(
        "run_line(feedback slope near -1) [tests/line/test_run.py]", f"{slow * 1e6:,.1f}"
    )
    console.print(timings)

    accuracy = Table(title="Accuracy against reference values", title_justify="left")
    for column in ("quantity", "reference", "foamline", "rel. error", "source"):
        accuracy.add_column(column)
    checks = [
        (
            "CO2 density 25 C, 100 bar [kg/m3]",
            817.63,
            fluid_density("CO2", 298.15, 100e5),
            "CoolProp documentation",
        ),
        ("water p_sat 100 C [bar]", 1.014, vapour_pressure("H2O", 373.15) / 1e5, "IAPWS-95"),
        (
            "PS eta0 200 C [kPa s]",
            5.6,
            zero_shear_viscosity(polymer("PS"), 473.15, 0.0) / 1e3,
            "Vietri 2011 Cross-WLF",
        ),
        (
            "PS density 200 C [kg/m3]",
            970.0,
            melt_density(polymer("PS"), 473.15, 1e5),
            "Danner & High Tait",
        ),
        (
            "PS Tg, 5 wt% CO2, z=2 [K]",
            329.0,
            glass_transition(polymer("PS"), {"CO2": 0.05 / 0.95}),
            "Chow (materials.md 8)",
        ),
    ]
    for label, ref, got, source in checks:
        accuracy.add_row(label, f"{ref:.4g}", f"{got:.4g}", f"{(got - ref) / ref:+.2%}", source)
    console.print(accuracy)

    foam = Table(
        title="Foam of example (a): simulate_foam, median of 5 runs (fast) and one run (full)",
        title_justify="left",
    )
    for column in ("fidelity", "cohorts", "time [s]", "target [s]", "mean d [um]", "void"):
        foam.add_column(column, justify="right")
    line = run_line(recipe)
    for fidelity, target, runs in (("fast", 0.1, 5), ("full", 5.0, 1)):
        elapsed, result = median_run(lambda f=fidelity: simulate_foam(recipe, line, f), runs)
        foam.add_row(
            fidelity,
            str(len(result.birth_times)),
            f"{elapsed:.3f}",
            f"{target:g}",
            f"{result.mean_cell_diameter_um:.2f}",
            f"{result.void_fraction:.4f}",
        )
    console.print(foam)

    kernels = "compiled by numba" if compiled.ENABLED else "numpy (numba is not installed)"
    examples = Table(
        title="Foam of each bundled example: simulate_foam, fast median of 3 runs after a first "
        f"one, full one run (targets 0.1 s and 5 s); the fast closure's kernel {kernels}, and "
        "numpy alone",
        title_justify="left",
    )
    columns = (
        "example",
        "fast [s]",
        "fast, numpy [s]",
        "fast, first [s]",
        "full [s]",
        "born in the die",
        "mean d fast / full [um]",
    )
    for column in columns:
        examples.add_column(column, justify="right")
    for path in sorted((ROOT / "examples").glob("*.toml")):
        other = load_recipe(path)
        other_line = run_line(other)
        # first: with the property tables of the polymer and loading still to be built, as for
        # the first recipe of a sweep (later recipes of the same polymer and fluids share them)
        _NODE_CACHE.clear()
        _ROW_CACHE.clear()
        first, _ = median_run(partial(simulate_foam, other, other_line, "fast"), 1)
        elapsed, result = median_run(partial(simulate_foam, other, other_line, "fast"), 3)
        plain, _ = median_run(numpy_only(partial(simulate_foam, other, other_line, "fast")), 3)
        full_elapsed, full = median_run(partial(simulate_foam, other, other_line, "full"), 1)
        in_die = int(np.sum(result.birth_times < other_line.die_history.t[-1]))
        examples.add_row(
            path.stem,
            f"{elapsed:.3f}",
            f"{plain:.3f}",
            f"{first:.3f}",
            f"{full_elapsed:.2f}",
            f"{in_die} of {len(result.birth_times)}",
            f"{result.mean_cell_diameter_um:.2f} / {full.mean_cell_diameter_um:.2f}",
        )
    console.print(examples)

    whole = Table(
        title="foamline.simulate(example a): line, foam, membrane, claims (median of 3 runs)",
        title_justify="left",
    )
    for column in ("fidelity", "median [s]", "line", "foaming", "membrane", "claims", "open cells"):
        whole.add_column(column, justify="right")
    for fidelity in ("fast", "full"):
        elapsed, result = median_run(lambda f=fidelity: simulate(recipe, f), 3)
        stages = [f"{result.timings_s.get(s, 0.0):.2f}" for s in STAGES]
        whole.add_row(
            fidelity, f"{elapsed:.2f}", *stages, f"{result.membrane.open_cell_fraction:.3f}"
        )
    console.print(whole)


if __name__ == "__main__":
    main()
