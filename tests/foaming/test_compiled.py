"""The fast closure's kernel (foamline.compiled) against the numpy right-hand side it repeats.

``cell.closure_rows`` writes ``FastCells.rhs`` row by row for numba. Where numba is installed the
method calls the compiled kernel; else, or with FOAMLINE_COMPILED=0, it runs its numpy code. The
kernel as plain Python (``.py_func``) is checked here on every machine, the compiled one where
numba is installed (the test extras include it).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from foamline import compiled, load_recipe
from foamline.foaming import MeltProperties
from foamline.foaming.cell import FastCells, closure_rows
from foamline.foaming.foam import simulate_foam
from foamline.foaming.growth import _Run
from foamline.line import run_line
from tests.conftest import EXAMPLES


def _sheet_temperature(t: float) -> float:
    """K: 520 K at the start, cooling towards 400 K (time constant 0.3 s), through the glass
    transition of PES."""
    return 520.0 - 120.0 * (1.0 - math.exp(-t / 0.3))


def _pressure(t: float) -> float:
    """Pa: the die's pressure drop to ambient in 20 ms."""
    return max(1.5e7 * (1.0 - t / 0.02), 1.013e5)


def _cells(melt: MeltProperties, loading: dict) -> FastCells:
    """Five cells under a falling pressure and a cooling sheet: nuclei, grown and isolated."""
    run = _Run(melt, loading, _sheet_temperature, _pressure, 0.0, 1.5)
    return run.fast_cells(
        [20e-9, 50e-9, 80e-9, 60e-9, 1e-6],
        [1e-16, 1e-14, 3e-13, math.inf, 1e-12],
        [0.0, 0.005, 0.01, 0.015, 0.02],
    )


def _states(cells: FastCells, rng: np.random.Generator, n: int):
    """n states of random cells at random times: radii from 0.5 to 3000 times R0, contents from
    a trace to 50 times the initial one (water beyond its vapour pressure), closure ages from
    1e-3 to 1e9 times their start, times from the die into the glass."""
    k = rng.integers(0, len(cells.R0), n)
    z = cells.z0[k].copy()
    nf = cells.nf
    z[:, 0] = rng.uniform(math.log(0.5), math.log(3000.0), n)
    z[:, 1 : 1 + nf] *= 10.0 ** rng.uniform(-4.0, math.log10(50.0), (n, nf))
    z[:, 1 + nf :] = 10.0 ** rng.uniform(-3.0, 9.0, (n, nf))
    t = cells.t0[k] + rng.uniform(0.0, 1.4, n) ** 2
    return t, z, k


def _numpy_rhs(cells: FastCells, t, z, k, monkeypatch) -> np.ndarray:
    with monkeypatch.context() as m:
        m.setattr(compiled, "ENABLED", False)
        return cells.rhs(t, z, k)


#: loading of PES (kg/kg) and fixed properties
MELTS = {
    "CO2 + water": ({"CO2": 0.03, "H2O": 0.005}, {}),
    "CO2 alone": ({"CO2": 0.03}, {}),
    "fixed viscosity and surface tension": (
        {"CO2": 0.03, "H2O": 0.005},
        {"viscosity_Pa_s": 3e4, "surface_tension_N_m": 0.03},
    ),
}


@pytest.mark.parametrize("case", list(MELTS))
def test_the_kernel_is_the_numpy_right_hand_side(case, monkeypatch):
    # 400 states (radii 0.5-3000 R0, water capped by its vapour pressure, glassy cells whose
    # viscosity is exp(1000) Pa s, isolated cells with 1 / Y = 0): the kernel, as plain Python
    # and compiled, gives the numpy method's dz/dt to rounding. Each component is compared
    # against the size of the terms it is made of (the closure's drive is a difference of the
    # shell mean and the wall loading): within 1e-12 of the largest magnitude of its column
    # (measured 3.5e-15).
    loading, fixed = MELTS[case]
    melt = MeltProperties("PES", list(loading), **fixed)
    cells = _cells(melt, loading)
    t, z, k = _states(cells, np.random.default_rng(11), 400)
    reference = _numpy_rhs(cells, t, z, k, monkeypatch)
    assert np.isfinite(reference).all()
    glassy = reference[:, 0] == 0.0
    assert not glassy.all()
    if melt.fixed_viscosity is None:
        assert glassy.any()  # both kinds of state are checked
    if "H2O" in loading:  # some cells hold more water than its vapour pressure allows
        T, _, node, _ = cells.conditions(t)
        assert (z[:, 2] * T * cells._columns[k, 4] > node.cap[:, 1]).any()
    scale = np.abs(reference).max(axis=0)
    kernels = [closure_rows.py_func]
    if compiled.ENABLED:
        kernels.append(closure_rows)
    for kernel in kernels:
        out = kernel(*cells.kernel_arguments(t, z, k))
        assert np.all(np.abs(out - reference) <= 1e-12 * scale)


@pytest.mark.skipif(
    not compiled.ENABLED, reason="kernels are not compiled: no numba, or FOAMLINE_COMPILED=0"
)
def test_the_compiled_foam_is_the_numpy_one(monkeypatch):
    # The fast foam of (a) with the compiled kernel and with numpy: the rounding of the two
    # takes the integrator through other steps, so the foams differ, but by far less than the
    # fast integration's own error (mean diameter 3.3e-4 and freezing time 8.9e-4 from rtol
    # 1e-6, docs/foaming.md): within 1e-5 (measured 2.5e-10, and 0 to 9 digits).
    recipe = load_recipe(EXAMPLES / "pes_mf_co2_water.toml")
    line = run_line(recipe)
    fast = simulate_foam(recipe, line, "fast")
    with monkeypatch.context() as m:
        m.setattr(compiled, "ENABLED", False)
        reference = simulate_foam(recipe, line, "fast")
    for name in ("mean_cell_diameter_um", "void_fraction", "freeze_time_s", "skin_thickness_um"):
        assert getattr(fast, name) == pytest.approx(getattr(reference, name), rel=1e-5)
