"""Pore-network flow and bubble point against exact solutions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foamline.membrane import (
    LIQUIDS,
    PoreNetwork,
    bubble_point_diameter,
    filtration_class,
    flow_rate,
    performance,
    throat_conductance,
)

F, P = PoreNetwork.FEED, PoreNetwork.PERMEATE
MU = 1.002e-3


def straight_pores(n: int, d: float, length: float, area: float) -> PoreNetwork:
    """n straight cylindrical pores through a slab: each a window from feed to permeate."""
    return PoreNetwork(
        n_nodes=0,
        throats=np.array([[F, P]] * n),
        diameter=np.full(n, d),
        length=np.full(n, length),
        area=area,
        thickness=length,
    )


@pytest.mark.parametrize(("d", "length"), [(1e-6, 100e-6), (0.2e-6, 100e-6), (50e-6, 5e-3)])
def test_straight_pores_permeance_is_hagen_poiseuille(d: float, length: float) -> None:
    """J = n pi d^4 dP / (128 mu L) within 2 % (the Sampson entry adds 24/(24 + 128 L/(pi d)))."""
    n, area = 1000, 1e-6
    net = straight_pores(n, d, length, area)
    q = flow_rate(net, 1e5, MU)
    exact = n * math.pi * d**4 * 1e5 / (128 * MU * length)
    assert q == pytest.approx(exact, rel=0.02)
    assert q < exact  # the orifice entry only adds resistance


def test_straight_pores_bubble_point_is_young_laplace() -> None:
    """P_bp = 4 gamma / d for water in 1 um pores: 2.91 bar (structure-membrane.md 3.2: 2.88
    bar at 0.072 N/m)."""
    net = straight_pores(10, 1e-6, 100e-6, 1e-8)
    perf = performance(net, porosity=0.1)
    assert perf.bubble_point_bar == pytest.approx(
        4 * LIQUIDS["water"].surface_tension / 1e-6 / 1e5, rel=0.03
    )
    assert perf.bubble_point_bar == pytest.approx(2.91, rel=0.01)


def test_series_and_parallel_throats_add_as_conductances() -> None:
    g1, g2, g3 = throat_conductance(np.array([2e-6, 1e-6, 3e-6]), np.array([1e-6, 2e-6, 1e-6]), MU)
    # feed -0- node 0 -1- permeate, and node 0 -2- permeate in parallel with throat 1
    net = PoreNetwork(
        n_nodes=1,
        throats=np.array([[F, 0], [0, P], [0, P]]),
        diameter=np.array([2e-6, 1e-6, 3e-6]),
        length=np.array([1e-6, 2e-6, 1e-6]),
        area=1.0,
        thickness=1.0,
    )
    expected = 1.0 / (1.0 / g1 + 1.0 / (g2 + g3))
    assert flow_rate(net, 1.0, MU) == pytest.approx(expected, rel=1e-12)


def test_random_network_conserves_mass_and_matches_a_dense_solve() -> None:
    rng = np.random.default_rng(4)
    n = 60
    pairs = rng.integers(0, n, size=(200, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    feed = np.column_stack([np.full(8, F), rng.choice(n, 8, replace=False)])
    perm = np.column_stack([rng.choice(n, 8, replace=False), np.full(8, P)])
    throats = np.vstack([pairs, feed, perm])
    d = rng.uniform(0.5e-6, 3e-6, len(throats))
    length = rng.uniform(0.1e-6, 1e-6, len(throats))
    net = PoreNetwork(n, throats, d, length, 1.0, 1.0)
    q = flow_rate(net, 2e4, MU)
    # dense solve of the same system, all nodes
    g = throat_conductance(d, length, MU)
    ends = np.where(throats == F, n, np.where(throats == P, n + 1, throats))
    L = np.zeros((n + 2, n + 2))
    for (i, j), gij in zip(ends, g, strict=True):
        L[i, i] += gij
        L[j, j] += gij
        L[i, j] -= gij
        L[j, i] -= gij
    inner = np.arange(n)
    keep = inner[np.abs(L[inner][:, inner]).sum(axis=1) > 0]
    p = np.zeros(n + 2)
    p[n] = 2e4
    A = L[np.ix_(keep, keep)]
    rhs = -L[np.ix_(keep, [n, n + 1])] @ p[[n, n + 1]]
    p[keep] = np.linalg.lstsq(A, rhs, rcond=None)[0]
    into_permeate = sum(
        gij * (p[i] - p[j]) for (i, j), gij in zip(ends, g, strict=True) if j == n + 1
    )
    assert q == pytest.approx(into_permeate, rel=1e-8)


def test_bubble_point_follows_the_widest_path() -> None:
    """Two paths: narrowest windows 2 um and 1 um: the gas breaks through the 2 um one."""
    net = PoreNetwork(
        n_nodes=2,
        throats=np.array([[F, 0], [0, P], [F, 1], [1, P]]),
        diameter=np.array([5e-6, 2e-6, 1e-6, 8e-6]),
        length=np.full(4, 1e-7),
        area=1.0,
        thickness=1.0,
    )
    assert bubble_point_diameter(net) == pytest.approx(2e-6)
    closed = PoreNetwork(1, np.array([[F, 0]]), np.array([1e-6]), np.array([1e-7]), 1.0, 1.0)
    assert bubble_point_diameter(closed) == 0.0
    assert flow_rate(closed, 1e5, MU) == 0.0


def test_filtration_class_of_claims_2_and_3() -> None:
    assert filtration_class(0.2e-6) == "microfiltration"
    assert filtration_class(30e-6) == "microfiltration"
    assert filtration_class(31e-6) == "macrofiltration"
    assert filtration_class(250e-6) == "outside the claimed ranges"
    assert filtration_class(0.01e-6) == "outside the claimed ranges"


def test_reinforcement_adds_a_series_resistance() -> None:
    from types import SimpleNamespace

    net = straight_pores(1000, 1e-6, 100e-6, 1e-6)
    bare = performance(net, 0.1)
    layer = SimpleNamespace(porosity=0.7, fibre_diameter=20e-6, thickness=100e-6, sides=1)
    backed = performance(net, 0.1, reinforcement=layer)
    assert backed.permeance_lmh_bar < bare.permeance_lmh_bar
    assert backed.bubble_point_bar == bare.bubble_point_bar
