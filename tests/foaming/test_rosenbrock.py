"""The batched Rosenbrock integrator (RODAS3) of the fast cohorts: order, stiff decay, Jacobian."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foamline.foaming import rosenbrock


def forced(lam: np.ndarray):
    """y' = lam (y - cos t) - sin t, one row per lam: y = cos t from y(0) = 1, whatever lam."""

    def fun(t: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return lam[rows, None] * (y - np.cos(t)[:, None]) - np.sin(t)[:, None]

    return fun


def integrate(fun, rows: np.ndarray, y0: float, h: float, steps: int) -> np.ndarray:
    """Fixed steps of RODAS3 from t = 0 for all ``rows`` at once; the states at t = steps h."""
    t = np.zeros(len(rows))
    y = np.full((len(rows), 1), y0)
    hs = np.full(len(rows), h)
    f, *blocks = rosenbrock.jacobian(fun, t, y, rows, hs)
    atol = np.array([1e-9])
    for _ in range(steps):
        y, f, _err, blocks = rosenbrock.step(fun, t, y, f, hs, rows, 1e-6, atol, blocks)
        t = t + h
    return y[:, 0]


def test_rodas3_is_third_order_on_a_smooth_problem():
    # Halving the step divides the error at t = 1 by 2^3 (measured log2 ratios 2.93 to 2.99),
    # in two rows of different rates integrated together.
    lam = np.array([-1.0, -3.0])
    rows = np.arange(2)
    errors = np.array(
        [
            np.abs(integrate(forced(lam), rows, 1.0, 1.0 / n, n) - math.cos(1.0))
            for n in (10, 20, 40)
        ]
    )
    ratios = np.log2(errors[:-1] / errors[1:])
    assert np.all((ratios > 2.8) & (ratios < 3.2)), ratios


def test_rodas3_damps_a_stiff_transient_at_once():
    # L-stable and stiffly accurate: a start far off the slow solution (y = 2 against cos 0 = 1)
    # with lam h = -1e5 is gone after the first step; 10 steps of 0.1 end within 1e-6 of cos 1
    # (measured 2e-8), where an explicit method would blow up.
    lam = np.array([-1e6])
    y = integrate(forced(lam), np.arange(1), 2.0, 0.1, 10)
    assert abs(y[0] - math.cos(1.0)) < 1e-6


def test_jacobian_blocks_are_those_of_each_row():
    # f and its Jacobian come from one stacked call with the point and each column perturbed in
    # turn, in every row at once: for y' = A_k y + t c_k it must give A_k and c_k per row, to
    # forward-difference accuracy (measured 6e-6 of the largest entry of each row of A_k).
    rng = np.random.default_rng(7)
    A = rng.normal(size=(4, 3, 3)) * np.array([1.0, 1e3, 1e-3])[None, :, None]
    c = rng.normal(size=(4, 3))

    def fun(t, y, rows):
        return np.einsum("nij,nj->ni", A[rows], y) + t[:, None] * c[rows]

    rows = np.arange(4)
    t = np.array([0.0, 1.0, 1e-3, 50.0])
    h = np.array([1e-3, 1e-2, 1e-6, 1.0])
    y = rng.normal(size=(4, 3)) * 10.0
    F, J, dFdt = rosenbrock.jacobian(fun, t, y, rows, h)
    f = fun(t, y, rows)
    assert np.array_equal(F, f)
    scale = np.abs(A).max(axis=2, keepdims=True)
    assert np.max(np.abs(J - A) / scale) < 1e-4
    # what the formula uses is h dF/dt, beside f: it must be accurate relative to |f|, also at
    # t = 0 (measured 3e-9)
    assert np.max(h[:, None] * np.abs(dFdt - c) / np.abs(f).max(axis=1, keepdims=True)) < 1e-6


@pytest.mark.parametrize(("err", "factor"), [(0.0, 6.0), (1.0, 0.9), (1e6, 0.2)])
def test_next_step_follows_the_error_within_its_bounds(err, factor):
    # h 0.9 err^(-1/3), at most 6 h and at least h / 5
    assert rosenbrock.next_step(np.array([2.0]), np.array([err]))[0] == pytest.approx(2.0 * factor)


def test_the_predictive_controller_steers_below_a_growing_error():
    # Gustafsson: after two accepted steps whose error grew (0.4 then 0.8 with equal steps), the
    # next step is 0.9 h (0.4 / 0.8^2)^(1/3) = 0.770 h, below the 0.9 h 0.8^(-1/3) = 0.970 h
    # of the error alone, which would be rejected if the error kept growing
    h, err = np.array([1.0, 1.0, 1.0]), np.array([0.8, 0.8, 1.5])
    h_acc, err_acc = np.array([1.0, math.nan, 1.0]), np.array([0.4, math.nan, 0.4])
    after = rosenbrock.next_step(h, err, h_acc, err_acc)
    assert after[0] == pytest.approx(0.9 * (0.4 / 0.64) ** (1 / 3))
    # without an accepted step before, and after a rejection, the error alone decides
    assert after[1] == pytest.approx(0.9 * 0.8 ** (-1 / 3))
    assert after[2] == pytest.approx(0.9 * 1.5 ** (-1 / 3))
    # a shrinking error never makes the step larger than the error alone allows
    assert rosenbrock.next_step(h[:1], np.array([0.2]), h_acc[:1], np.array([0.8]))[
        0
    ] == pytest.approx(0.9 * 0.2 ** (-1 / 3))


@pytest.mark.parametrize("rtol", [1e-3, 1e-6])
def test_the_first_step_is_accepted_and_not_needlessly_small(rtol):
    # Hairer, Norsett & Wanner's starting step (with f after an Euler step): on a stiff
    # transient (lam -1e3, off the slow solution) and a growing mode (lam 50) it is accepted,
    # with an error norm above 1e-3 (measured 0.2-0.4 and 2e-3-2e-2), so within a factor 10 of
    # the largest step that would be; on a row that starts on its smooth solution with f = 0
    # it is 100 times the step of the first stage (1e-6 of the span), here 1e-3
    lam = np.array([-1.0, -1e3, 50.0])
    fun = forced(lam)
    rows, t = np.arange(3), np.zeros(3)
    y = np.array([[1.0], [1.5], [1.001]])
    atol = np.array([1e-9])
    h = rosenbrock.first_step(fun, t, y, fun(t, y, rows), rows, rtol, atol, np.full(3, 10.0))
    F, *blocks = rosenbrock.jacobian(fun, t, y, rows, h)
    _, _, err, _ = rosenbrock.step(fun, t, y, F, h, rows, rtol, atol, blocks)
    assert np.all(err <= 1.0)
    assert np.all(err[1:] > 1e-3)
    assert h[0] == pytest.approx(1e-3)
