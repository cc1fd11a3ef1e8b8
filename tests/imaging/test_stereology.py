"""Section circles to sphere sizes: the exact results of Wicksell's corpuscle problem.

A plane through a sphere of diameter D at a uniform random height cuts a circle of diameter
D (1 - u^2)^(1/2), u ~ U(0, 1): its mean is (pi/4) D and its CV 0.2842 (Underwood 1970); a
plane meets spheres in proportion to their diameter. The sections below are drawn from those
laws directly, so any error is the estimator's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foamline.imaging.stereology import (
    MONODISPERSE_SECTION_CV,
    fit_lognormal_spheres,
    saltykov_unfold,
    sphere_diameter_from_sections,
)


def planar_sections(mean: float, cv: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n section diameters of a log-normal sphere population, and the population itself."""
    rng = np.random.default_rng(seed)
    s2 = math.log1p(cv * cv)
    spheres = rng.lognormal(math.log(mean) - s2 / 2, math.sqrt(s2), 200_000)
    hit = rng.choice(spheres.size, n, p=spheres / spheres.sum())  # size-weighted sampling
    return spheres[hit] * np.sqrt(1 - rng.uniform(0, 1, n) ** 2), spheres


def test_monodisperse_section_cv_is_0284() -> None:
    assert MONODISPERSE_SECTION_CV == pytest.approx(0.2842, abs=1e-4)
    d = np.sqrt(1 - np.random.default_rng(0).uniform(0, 1, 400_000) ** 2)
    assert d.std() / d.mean() == pytest.approx(MONODISPERSE_SECTION_CV, abs=0.002)


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=1e-3, max_value=1e3))
def test_four_over_pi_inverts_the_mean_section(diameter: float) -> None:
    assert sphere_diameter_from_sections(math.pi / 4 * diameter) == pytest.approx(diameter)


def test_four_over_pi_on_sampled_sections_of_identical_spheres() -> None:
    d = 10.0 * np.sqrt(1 - np.random.default_rng(3).uniform(0, 1, 20_000) ** 2)
    assert sphere_diameter_from_sections(d.mean()) == pytest.approx(10.0, rel=0.01)


@pytest.mark.parametrize(("cv", "seed"), [(0.05, 1), (0.10, 2), (0.30, 3)])
def test_lognormal_fit_recovers_mean_and_spread(cv: float, seed: int) -> None:
    # 500 sections, about a third of the bundled SEM image's count: mean within 3 %, CV within
    # 0.03 (the sampling error of the CV at this n is about 0.01)
    d, spheres = planar_sections(10.0, cv, 500, seed)
    fit = fit_lognormal_spheres(d)
    assert fit.mean == pytest.approx(spheres.mean(), rel=0.03)
    assert fit.cv == pytest.approx(cv, abs=0.03)
    assert fit.std == pytest.approx(fit.cv * fit.mean)


def test_lognormal_fit_accounts_for_unseen_small_sections() -> None:
    # dropping every section below 3 (resolution limit) biases the plain mean upward; the fit
    # told about the limit does not
    d, spheres = planar_sections(10.0, 0.1, 1500, 4)
    seen = d[d > 3.0]
    assert sphere_diameter_from_sections(seen.mean()) > 1.02 * spheres.mean()
    fit = fit_lognormal_spheres(seen, d_min=3.0)
    assert fit.mean == pytest.approx(spheres.mean(), rel=0.02)
    assert fit.cv == pytest.approx(0.1, abs=0.03)


def test_saltykov_unfolds_identical_spheres_into_the_top_class() -> None:
    d, _ = planar_sections(10.0, 0.001, 5000, 5)
    result = saltykov_unfold(d, n_classes=12)
    assert result.sphere_fraction.sum() == pytest.approx(1.0)
    assert result.sphere_fraction[-1] > 0.85
    assert result.mean == pytest.approx(10.0, rel=0.03)
    # the classes are 8 % of d_max wide and the few stray counts of sampling noise land far
    # below the top class: the unfolded CV is ~0.1, not 0 (hence the fit for the claims)
    assert result.cv < 0.15


def test_too_few_sections_are_refused() -> None:
    with pytest.raises(ValueError, match="too few"):
        fit_lognormal_spheres([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="too few"):
        saltykov_unfold([1.0, 2.0, 3.0])
