"""Sheet cooling after the die against exact conduction solutions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.optimize import brentq

from foamline.foaming.cooling import cool_sheet, foam_conductivity

L, K, RHO_CP = 300e-6, 0.2, 1.2e3 * 1.8e3  # m, W/(m K), J/(m3 K)


def _mean_theta(t: float, h: float, terms: int = 40) -> float:
    """Exact mean of (T - T_inf)/(T0 - T_inf) for a slab of half-thickness l cooled by h at both
    faces: sum 2 Bi^2 / (l_n^2 (l_n^2 + Bi^2 + Bi)) exp(-l_n^2 Fo), l_n tan l_n = Bi = h l / k,
    Fo = alpha t / l^2 (Carslaw & Jaeger 1959, section 3.11)."""
    half = L / 2.0
    bi, fo = h * half / K, K / RHO_CP * t / half**2
    total = 0.0
    for n in range(terms):
        lam = brentq(
            lambda x: x * math.tan(x) - bi, n * math.pi + 1e-12, n * math.pi + math.pi / 2 - 1e-12
        )
        total += 2.0 * bi**2 / (lam**2 * (lam**2 + bi**2 + bi)) * math.exp(-(lam**2) * fo)
    return total


@pytest.mark.parametrize(("h", "times"), [(2.0, (10.0, 100.0, 500.0)), (2000.0, (0.02, 0.1, 0.3))])
def test_mean_temperature_matches_the_exact_finite_biot_series(h: float, times) -> None:
    """Bi = 1.5e-3 (nearly lumped) and Bi = 1.5, default 24 cells: the mean temperature within
    5e-4 of the drop (measured 6e-7 and 4e-4; 2.5e-5 with 96 cells, second order)."""
    sheet = cool_sheet(L, 600.0, 300.0, h, K, RHO_CP, t_end=max(times))
    for t in times:
        theta = (sheet.mean_temperature(t) - 300.0) / 300.0
        assert theta == pytest.approx(_mean_theta(t, h), abs=5e-4)


def _series_mid(t: float, alpha: float, thickness: float, terms: int = 60) -> float:
    """Mid-plane theta of a slab with both faces held at T_inf (Carslaw & Jaeger 3.3)."""
    total = 0.0
    for n in range(terms):
        m = 2 * n + 1
        total += (
            4.0
            / (math.pi * m)
            * (-1) ** n
            * math.exp(-(m**2) * math.pi**2 * alpha * t / thickness**2)
        )
    return total


def test_large_biot_matches_the_series_solution_at_the_mid_plane() -> None:
    alpha = K / RHO_CP
    sheet = cool_sheet(L, 600.0, 300.0, 1e9, K, RHO_CP, t_end=2.0, cells=60)
    for t in (0.05, 0.2, 0.6):
        theta = (sheet.mid_temperature(t) - 300.0) / 300.0
        assert theta == pytest.approx(_series_mid(t, alpha, L), abs=2e-3)


def test_grid_independence_of_the_default_grid() -> None:
    """24 cells (the default) against 96: within 0.3 K while the profile is steep (0.05 s), within
    0.02 K after (measured 0.24 K and 0.016 K)."""
    coarse, fine = (cool_sheet(L, 600.0, 300.0, 2000.0, K, RHO_CP, 1.0, cells=n) for n in (24, 96))
    assert abs(coarse.mid_temperature(0.05) - fine.mid_temperature(0.05)) < 0.3
    for t in (0.3, 1.0):
        assert abs(coarse.mid_temperature(t) - fine.mid_temperature(t)) < 0.02


def test_one_cooled_face_cools_slower_than_two() -> None:
    one = cool_sheet(L, 600.0, 300.0, 500.0, K, RHO_CP, 2.0, faces=1)
    two = cool_sheet(L, 600.0, 300.0, 500.0, K, RHO_CP, 2.0, faces=2)
    assert one.mean_temperature(1.0) > two.mean_temperature(1.0)
    temps = one.temperature(1.0)
    assert np.all(np.diff(temps) > 0)  # the insulated face at x = L stays hottest


def test_foam_conductivity_limits() -> None:
    assert foam_conductivity(0.2, 0.0, 0.025) == pytest.approx(0.2 * 2 / 3)
    assert foam_conductivity(0.2, 1.0, 0.025) == pytest.approx(0.025)


def test_the_finite_volume_system_is_solved_exactly_in_time() -> None:
    """T(t) = T_inf + expm(A t)(T0 - T_inf) for the finite-volume matrix A (faces by a
    half-cell conductance in series with 1/h; one face insulated here), assembled again here:
    the eigenmode solution agrees to round-off (no time step, no tolerance)."""
    n, h = 6, 500.0
    dx = L / n
    inner, face = K / dx, 1.0 / (1.0 / h + 0.5 * dx / K)
    A = np.diag(np.full(n - 1, inner), 1) + np.diag(np.full(n - 1, inner), -1)
    A -= np.diag(A.sum(axis=1))
    A[0, 0] -= face
    A /= RHO_CP * dx
    sheet = cool_sheet(L, 600.0, 300.0, h, K, RHO_CP, 2.0, cells=n, faces=1)
    for t in (0.0, 0.01, 0.3, 2.0):
        exact = 300.0 + expm(A * t) @ np.full(n, 300.0)
        assert np.allclose(sheet.temperature(t), exact, rtol=0.0, atol=1e-9)
    both = sheet.temperature(np.array([0.01, 0.3]))
    assert both.shape == (n, 2) and np.allclose(both[:, 1], sheet.temperature(0.3))
