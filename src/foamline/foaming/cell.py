"""The numerical problem of the cells: state vectors, right-hand sides and linear algebra.

The equations are stated in :mod:`foamline.foaming.growth`. Here they are written for the
integrators, in scaled variables of order one:

- l = ln(R / R0);
- b_i / (ws_i R0^3), where b_i = m_i / ((4 pi / 3) rho_p) is the cell's content of fluid i (gas
  and condensate) in the units of the volume coordinate (m3 times kg/kg), ws_i the fluid's scale
  (its initial loading);
- full fidelity: w_ij / ws_i in each finite volume j of the shell;
- fast fidelity: u_i = b_i / (ws_i R^3) and v_i = tau_i / (tau_i(0) (R / R0)^4), tau_i the
  Lagrangian diffusion age of the closure, in place of b_i and tau_i: while R grows by decades
  b_i grows like R^3 (u_i is the gas density, over ws_i) and tau_i like R^4 (v_i tends to a
  constant in exponential growth), so the steps follow the bubble, not these powers of it.

Both right-hand sides are vectorised over many cells (rows), each at its own time, for the
batched Rosenbrock integration of :mod:`.rosenbrock`, and conserve each fluid exactly: the wall
flux leaving the shell is the one entering the cell. In full fidelity the Jacobian of a cell is a
tridiagonal block per fluid (the shell) bordered by l and the b_i; :meth:`FullCells.linearize`
solves the integrator's linear systems through that structure (Schur complement on the border,
the tridiagonal blocks of all cells as one LAPACK tridiagonal system), so a step of 100 cells of
~80 volumes costs a few milliseconds. A Rosenbrock step keeps the linear invariants of its
Jacobian (Hairer & Wanner, Solving ODEs II, IV.7): the fluid totals hold to the rounding of the
steps, ~1e-12 over a closed cell's 3 s.
"""

from __future__ import annotations

import copy
import math

import numpy as np
from scipy.linalg.lapack import dgttrf as gttrf
from scipy.linalg.lapack import dgttrs as gttrs

from foamline import compiled
from foamline.foaming import rosenbrock
from foamline.foaming.grid import ShellGrid
from foamline.foaming.properties import Conditions
from foamline.materials.solubility import R_GAS

#: A layer "age" of this fraction of the run regularises the 1/sqrt(tau) start of the closure.
FAST_START_AGE = 1e-9
FOUR_PI_3 = 4.0 * math.pi / 3.0
QUARTER_PI2 = 0.25 * math.pi**2


def gas(b: np.ndarray, rho, R3, T, cap, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Partial pressures (Pa) and condensate (m3 kg/kg) from the cell contents b (m3 kg/kg, last
    axis the fluids), polymer density rho (kg/m3), R^3 (m3), T (K), vapour caps (Pa), molar
    masses M (kg/mol); arrays broadcast. A fluid the cell does not hold keeps b = 0 only up to
    the rounding of the linear solves (-1e-16 of the other fluids' scale): its pressure is
    reported as 0, not as -1e-10 Pa."""
    c = rho * R_GAS * T / R3
    p_raw = b * c / M
    p = np.clip(p_raw, 0.0, cap)
    return p, np.where(p_raw > cap, b - p * M / c, 0.0)


def _scales(w0, p0, R0, rho, T0, henry, M) -> tuple[np.ndarray, np.ndarray]:
    """Initial cell contents b0 (cells, fluids), m3 kg/kg, and each fluid's scale: its loading,
    else the wall loading of the cell's initial gas. p0 in Pa (cells, fluids); R0 (m), rho
    (kg/m3) and T0 (K) one per cell; the Henry constants there (cells, fluids), kg/kg/Pa; M the
    molar masses, kg/mol."""
    b0 = p0 * M * (R0**3 / (rho * R_GAS * T0))[:, None]
    wall0 = henry * p0
    fallback = np.maximum(max(float(w0.max()), 1e-12), wall0.max(axis=1))[:, None]
    return b0, np.where(w0 > 0.0, w0, np.where(wall0 > 1e-12, wall0, fallback))


class FastCells:
    """The integral closure (fast fidelity) of K cells in one melt under one T(t) and P(t).

    Vectorised over the cells: row k of the state is (l, u_i, v_i) of cell k (module docstring),
    u_i = b_i / (b_scale_i e^(3 l)), v_i = tau_i / (tau_scale_i e^(4 l)); :meth:`rhs` takes any
    rows, each at its own time (:mod:`.rosenbrock`). An isolated bubble has Y = inf: its shell
    terms vanish through 1 / Y = 0.

    Parameters
    ----------
    melt : the melt and its fluids. w0 : loading of each fluid, kg/kg (fluids,).
    p0 : initial partial pressures, Pa (cells, fluids). R0 : initial radii, m (cells,).
    rho : polymer density of each shell, kg/m3. Y : y-extent of each shell, m3 (inf: isolated).
    t0 : birth time of each cell, s. t1 : end time, s.
    conditions : T (K), P (Pa), the properties and the neat ln viscosity at arrays of times
        (:class:`~foamline.foaming.properties.Conditions`).
    """

    #: the linear algebra of the integrator: dense blocks (:mod:`.rosenbrock`)
    linearize = None

    def __init__(self, melt, w0, p0, R0, rho, Y, t0, t1, conditions) -> None:
        self.melt, self.nf, self.width = melt, len(w0), 1 + 2 * len(w0)
        self.w0, self.M = w0, melt.molar_mass
        self._conditions = conditions
        self._last: tuple = (None,)  # the times of the last call and T, P, properties there
        self.p0, self.R0, self.rho, self.t0, self.Y = p0, R0, rho, t0, Y
        T0, _, nodes0, _ = conditions(t0)
        D0 = nodes0.diffusivity
        self.b0, self.w_scale = _scales(w0, p0, R0, rho, T0, nodes0.henry, self.M)
        self.b_scale = self.w_scale * (R0**3)[:, None]
        tau0 = 9.0 * D0 * (R0**4 * FAST_START_AGE * (t1 - t0))[:, None]
        self.tau_scale = np.maximum(tau0, 1e-300)
        self.z0 = np.hstack([np.zeros((len(R0), 1)), self.b0 / self.b_scale, np.ones_like(D0)])
        self.sizes = np.full(len(R0), self.width)  # components of each row in the error norm
        # per cell, what the right-hand side needs, in one array (one gather per call): R0;
        # 1 / Y; the shell mode pi^2 / (4 Y); then per fluid w_scale rho R_g / M (p = u T x
        # this), the shell mean less b / Y, w_scale / Y, 9 / w_scale, pi tau_scale,
        # 9 R0^4 / tau_scale
        nf, inv_Y = self.nf, (1.0 / Y)[:, None]
        self._columns = np.hstack([
            R0[:, None], inv_Y, QUARTER_PI2 * inv_Y, self.w_scale * (rho * R_GAS)[:, None] / self.M,
            w0 + self.b0 * inv_Y, self.w_scale * inv_Y, 9.0 / self.w_scale,
            math.pi * self.tau_scale, 9.0 * (R0**4)[:, None] / self.tau_scale,
        ])  # fmt: skip
        names = ("p_per_u", "mean0", "ws_per_Y", "b_rate", "pi_tau_scale", "tau_rate")
        self._at = {name: slice(3 + i * nf, 3 + (i + 1) * nf) for i, name in enumerate(names)}

    def under(self, conditions: Conditions) -> FastCells:
        """The same cells under other conditions (another T(t), P(t))."""
        new = copy.copy(self)
        new._conditions, new._last = conditions, (None,)
        return new

    def atol(self, rtol: float) -> np.ndarray:
        """Absolute tolerances of the scaled state of one cell (:func:`_atol`)."""
        return _atol(rtol, self.width)

    def conditions(self, t: np.ndarray):
        """T (K), P (Pa), the properties and ln of the neat melt's viscosity (Pa s) at the times t
        (s); the last ones are kept, as the later stages of a step ask again at the same times."""
        key = t.tobytes()
        if self._last[0] != key:
            self._last = (key, *self._conditions(t))
        return self._last[1:]

    def bubble(self, t: np.ndarray, ell: np.ndarray, u: np.ndarray, cells: np.ndarray):
        """The bubble of the cells of index ``cells`` at the times t (s), from l = ln(R / R0)
        (rows,) and u_i = b_i / (b_scale_i e^(3 l)) (rows, fluids): the properties there, the
        packed columns of the cells, R (m), R^3, the wall loadings (kg/kg) and d ln R / dt
        (1/s), from the momentum balance (the growth docstring; 0 for a glass)."""
        T, P, node, neat = self.conditions(t)
        c = self._columns[cells]
        R = c[:, 0] * np.exp(ell)
        R3 = R * R * R
        p = np.minimum(u * T[:, None] * c[:, self._at["p_per_u"]], node.cap)
        wall = p * node.henry
        sigma = self.melt.surface_tensions(node, wall)
        fluidity = np.exp(-self.melt.ln_viscosities(neat, wall))
        dlnR = 0.25 * (p.sum(axis=1) - P - 2.0 * sigma / R) * fluidity * (1.0 + R3 * c[:, 1])
        return node, c, R, R3, wall, dlnR

    def rhs(self, t: np.ndarray, z: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """dz/dt of the states z (rows, width) of the cells of index ``cells``, each at its time
        t (rows,); by :func:`closure_rows` where kernels are compiled (:mod:`foamline.compiled`),
        else as written here."""
        if compiled.ENABLED:
            return closure_rows(*self.kernel_arguments(t, z, cells))
        nf, at = self.nf, self._at
        u, v = z[:, 1 : 1 + nf], z[:, 1 + nf :]
        node, c, R, R3, wall, dlnR = self.bubble(t, z[:, 0], u, cells)
        out = np.empty_like(z)
        out[:, 0] = dlnR
        # the closure, with its factor 9 folded into b_rate and tau_rate: the flux 9 D R^4 (...)
        # over b_scale (R / R0)^3, less 3 u dl/dt; 9 D R^4 over tau_scale (R / R0)^4, less
        # 4 v dl/dt
        R0_R = (c[:, 0] / R)[:, None]
        layer = (v * c[:, at["pi_tau_scale"]]) ** -0.5 * (R0_R * R0_R)
        g = (1.0 / (3.0 * R3))[:, None] + layer + c[:, 2:3]
        drive = c[:, at["mean0"]] - u * c[:, at["ws_per_Y"]] * R3[:, None] - wall
        D, rate = node.diffusivity, dlnR[:, None]
        out[:, 1 : 1 + nf] = D * R[:, None] * drive * g * c[:, at["b_rate"]] - 3.0 * u * rate
        out[:, 1 + nf :] = D * c[:, at["tau_rate"]] - 4.0 * v * rate
        return out

    def kernel_arguments(self, t: np.ndarray, z: np.ndarray, cells: np.ndarray) -> tuple:
        """The arguments of :func:`closure_rows` for the states z (rows, width) of the cells of
        index ``cells`` at the times t (s), as :meth:`rhs` takes them."""
        T, P, node, neat = self.conditions(t)
        fixed = self.melt.fixed_surface_tension
        return (
            T, P, node.henry, node.diffusivity, node.cap, node.sigma0, node.sigma_slope,
            node.sigma_curvature, neat, self.melt.plasticisation,
            math.nan if fixed is None else fixed, self._columns[cells], z,
        )  # fmt: skip

    def contents(self, k: int, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Contents b and dissolved mass (kg) per fluid of cell k over its states ``zs``."""
        b = zs[:, 1 : 1 + self.nf] * self.b_scale[k] * np.exp(3.0 * zs[:, :1])
        if math.isfinite(self.Y[k]):
            dissolved = self.rho[k] * FOUR_PI_3 * (self.w0 * self.Y[k] - (b - self.b0[k]))
        else:
            dissolved = np.full_like(b, math.inf)
        return b, dissolved

    def ages(self, k: int, zs: np.ndarray) -> np.ndarray:
        """Lagrangian diffusion age tau (m6) per fluid of cell k over its states ``zs``."""
        return zs[:, 1 + self.nf :] * self.tau_scale[k] * np.exp(4.0 * zs[:, :1])


@compiled.kernel(
    "float64[:, :](float64[:], float64[:], float64[:, :], float64[:, :], float64[:, :], "
    "float64[:], float64[:, :], float64[:, :], float64[:], float64[:], float64, float64[:, :], "
    "float64[:, :])"
)
def closure_rows(T, P, henry, D, cap, sigma0, slope, curvature, neat, beta, sigma, c, z):
    """:meth:`FastCells.rhs` row by row, for numba (:mod:`foamline.compiled`): the same
    equations in the same order of operations, so that the two agree to rounding
    (tests/foaming/test_compiled.py). numba compiles these loops in ~1 s; the numpy method
    itself, which it can compile too, took 11.5 s.

    Per row: T (K), P (Pa), the properties there (:class:`~.properties.NodeArrays`: henry, D,
    cap (rows, fluids), sigma0 (rows,), slope and curvature (rows, fluids)) and ln of the neat
    melt's viscosity (Pa s); ``beta`` the melt's plasticisation coefficients (fluids,),
    ``sigma`` a fixed surface tension (N/m) or NaN for the law; c the cells' packed columns
    (``FastCells._columns``: R0, 1 / Y, pi^2 / (4 Y), then six blocks of one column per fluid);
    z the states (rows, 1 + 2 fluids)."""
    rows, nf = z.shape[0], (z.shape[1] - 1) // 2
    out = np.empty((rows, z.shape[1]))
    p = np.empty(nf)
    wall = np.empty(nf)
    for r in range(rows):
        R = c[r, 0] * math.exp(z[r, 0])
        R3 = R * R * R
        p_sum, ratio, plasticised = 0.0, 0.0, 0.0
        for i in range(nf):
            p[i] = min(z[r, 1 + i] * T[r] * c[r, 3 + i], cap[r, i])
            wall[i] = p[i] * henry[r, i]
            p_sum += p[i]
            ratio += (slope[r, i] + curvature[r, i] * wall[i]) * wall[i]
            plasticised += wall[i] * beta[i]
        if math.isnan(sigma):
            ratio = max(1.0 + ratio, 0.0)
            ratio *= ratio
            surface = sigma0[r] * (ratio * ratio)
        else:
            surface = sigma
        fluidity = math.exp(-(neat[r] - plasticised))
        dlnR = 0.25 * (p_sum - P[r] - 2.0 * surface / R) * fluidity * (1.0 + R3 * c[r, 1])
        out[r, 0] = dlnR
        R0_R = c[r, 0] / R
        for i in range(nf):
            u, v = z[r, 1 + i], z[r, 1 + nf + i]
            layer = (v * c[r, 3 + 4 * nf + i]) ** -0.5 * (R0_R * R0_R)
            g = 1.0 / (3.0 * R3) + layer + c[r, 2]
            drive = c[r, 3 + nf + i] - u * c[r, 3 + 2 * nf + i] * R3 - wall[i]
            out[r, 1 + i] = D[r, i] * R * drive * g * c[r, 3 + 3 * nf + i] - 3.0 * u * dlnR
            out[r, 1 + nf + i] = D[r, i] * c[r, 3 + 5 * nf + i] - 4.0 * v * dlnR
    return out


class FullCells:
    """The finite-volume shells (full fidelity) of K cells of :class:`FastCells`, one grid each.

    Row k of the state is (l, b_i / b_scale_i, then w_ij / w_scale_i for each fluid i over the
    cells j of shell k), padded with zeros to the largest grid: padded cells have no
    conductance and no width term, so they stay 0 and do not count in the error norm
    (``sizes``). :meth:`rhs` takes any rows, each at its own time, like :meth:`FastCells.rhs`;
    :meth:`linearize` solves the steps' linear systems (M = I / (gamma h) - J) by the
    structure of J, a tridiagonal block per fluid bordered by l and the b_i.

    Parameters
    ----------
    cells : the cells, their melt, conditions and scales.
    grids : the shell grid of each cell (:func:`~foamline.foaming.grid.stretched_grid`).
    """

    def __init__(self, cells: FastCells, grids: list[ShellGrid]) -> None:
        nf, K = cells.nf, len(grids)
        self.cells, self.nf = cells, nf
        self.R0, self.t0, self.grids = cells.R0, cells.t0, grids
        self.N = np.array([g.n for g in grids])
        N = self.Nmax = int(self.N.max())
        self.sizes = 1 + nf + nf * self.N
        self.width = 1 + nf + nf * N
        # per cell: inner faces (m3), face conductance 1 / (y_j+1 - y_j) (0 beyond the grid),
        # 1 / widths (0 in the padding) and the wall-gradient weights c0, c1, c2
        self._faces = np.zeros((K, N - 1))
        self._conductance = np.zeros((K, N - 1))
        self._inv_width = np.zeros((K, N))
        self._weights = np.array([g.wall_weights for g in grids])
        for k, g in enumerate(grids):
            self._faces[k, : g.n - 1] = g.faces[1:-1]
            self._conductance[k, : g.n - 1] = 1.0 / np.diff(g.centres)
            self._inv_width[k, : g.n] = 1.0 / g.widths
        self._ws_over_bs = cells.w_scale / cells.b_scale  # (K, nf)
        real = np.arange(N)[None, None, :] < self.N[:, None, None]
        w = np.where(real, (cells.w0 / cells.w_scale)[:, :, None], 0.0)
        self.z0 = np.hstack([cells.z0[:, : 1 + nf], w.reshape(K, -1)])

    def atol(self, rtol: float) -> np.ndarray:
        """Absolute tolerances of the scaled state of one cell (:func:`_atol`)."""
        return _atol(rtol, self.width)

    def _shell(self, node, R: np.ndarray, cells: np.ndarray):
        """Face conductances a (rows, nf, N - 1), 1 / widths and k = 9 D R^4 (rows, nf), with
        the wall weights, of the cells at their radii R (m)."""
        R3 = R * R * R
        r3 = self._faces[cells] + R3[:, None]  # r^3 at the inner faces
        D9 = 9.0 * node.diffusivity
        a = D9[:, :, None] * (r3 * np.cbrt(r3) * self._conductance[cells])[:, None, :]
        return a, self._inv_width[cells][:, None, :], D9 * (R3 * R)[:, None], self._weights[cells]

    def rhs(self, t: np.ndarray, z: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """dz/dt of the states z of the cells of index ``cells``, each at its time t (s)."""
        nf, N, n = self.nf, self.Nmax, len(cells)
        node, c, R, R3, wall, dlnR = self.cells.bubble(t, z[:, 0], _per_R3(z[:, : 1 + nf]), cells)
        a, inv_w, k, cw = self._shell(node, R, cells)
        w = z[:, 1 + nf :].reshape(n, nf, N)  # scaled by w_scale
        J0 = _wall_flux(k, cw, wall / self.cells.w_scale[cells], w)
        out = np.empty_like(z)
        out[:, 0] = dlnR
        out[:, 1 : 1 + nf] = J0 * self._ws_over_bs[cells]
        _divergence(a * (w[:, :, 1:] - w[:, :, :-1]), J0, inv_w, out[:, 1 + nf :])
        return out

    def linearize(self, t, y, cells, F0, h):
        """The linear algebra of a Rosenbrock step (:mod:`.rosenbrock`): b -> M^-1 b and df/dt.

        J and df/dt are analytic but for the bubble's response (d ln R/dt and the wall loadings)
        to l, the b_i and t, taken by forward differences of :meth:`FastCells.bubble` in one
        stacked call: the shell's equations are linear in w, their coefficients scale with
        R^4 (k), r^4 at the faces (a) and D(T(t)) (both). M is solved by its Schur complement
        on (l, b): the tridiagonal blocks of all rows and fluids as one tridiagonal system
        (LAPACK gttrf / gttrs, M is diagonally dominant there), and the small bordered
        systems per row."""
        nf, N, n = self.nf, self.Nmax, len(cells)
        m = 1 + nf
        # the bubble at (t, y), with l and each b_i perturbed in turn, and at t + dt
        ts, ys, dy, dt = rosenbrock.perturbed(t, y[:, :m], h)
        ys = ys.reshape(-1, m)
        node, _, R, _, wall, dlnR = self.cells.bubble(
            ts.ravel(), ys[:, 0], _per_R3(ys), np.tile(cells, m + 2)
        )
        wall, dlnR = wall.reshape(m + 2, n, nf), dlnR.reshape(m + 2, n)
        D = node.diffusivity.reshape(m + 2, n, nf)
        step = np.concatenate([dy.T, dt[None, :]])  # (m + 1, n)
        d_dlnR = (dlnR[1:] - dlnR[0]) / step  # per column l, b_i, then t
        d_wall = (wall[1:] - wall[0]) / step[:, :, None]
        dlnD_dt = (D[m + 1] / D[0] - 1.0) / dt[:, None]
        # the shell at (t, y)
        R = R[:n]
        a, inv_w, k, cw = self._shell(node.row(slice(0, n)), R, cells)
        inv_w = np.broadcast_to(inv_w, (n, nf, N))
        ws, ws_bs = self.cells.w_scale[cells], self._ws_over_bs[cells]
        w = y[:, m:].reshape(n, nf, N)
        J0 = _wall_flux(k, cw, wall[0] / ws, w)
        kc0 = k * cw[:, :1] / ws
        # the wall flux J0 = k (c0 wall + c1 w_1 + c2 w_2) / w_scale: its derivatives in l
        # (k ~ R^4), in each b_i (through the wall) and in t (through D and the wall)
        dJ0 = kc0 * d_wall  # (column, n, nf)
        dJ0[0] += 4.0 * J0
        dJ0[m] += dlnD_dt * J0
        # the shell rows: in l, the face fluxes scale with r^4, d ln r^4 / dl = 4 R^3 / r^3; in
        # b_i only the first volume of fluid i moves; in t everything scales with D
        R3 = (R * R * R)[:, None]
        dflux = a * (w[:, :, 1:] - w[:, :, :-1]) * (4.0 * R3 / (self._faces[cells] + R3))[:, None]
        J_Wl = _divergence(dflux, dJ0[0], inv_w, np.empty((n, nf * N))).reshape(n, nf, N)
        i = np.arange(nf)
        dJ0_db = dJ0[1 + i, :, i].T  # (n, nf): fluid i's wall flux in b_i (the others are 0)
        J_Wb = np.zeros((n, nf, N))  # the b_i columns together: each only in its fluid
        J_Wb[:, :, 0] = -inv_w[:, :, 0] * dJ0_db
        dfdt = np.empty_like(F0)
        dfdt[:, 0] = d_dlnR[m]
        dfdt[:, 1:m] = dJ0[m] * ws_bs
        dw_dt = dfdt[:, m:].reshape(n, nf, N)  # a view
        dw_dt[:] = dlnD_dt[:, :, None] * F0[:, m:].reshape(n, nf, N)
        dw_dt[:, :, 0] -= inv_w[:, :, 0] * kc0 * d_wall[m]
        hg = 1.0 / (rosenbrock.GAMMA * h)
        # M_WW: hg - (the tridiagonal of the fluxes and the wall)
        lower = np.zeros((n, nf, N))  # the coefficient of w_j-1 in row j
        upper = np.zeros((n, nf, N))  # of w_j+1 in row j
        lower[:, :, 1:] = -a * inv_w[:, :, 1:]
        upper[:, :, :-1] = -a * inv_w[:, :, :-1]
        diag = hg[:, None, None] - lower - upper
        diag[:, :, 0] += k * cw[:, 1:2] * inv_w[:, :, 0]
        upper[:, :, 0] += k * cw[:, 2:3] * inv_w[:, :, 0]
        factors = gttrf(lower.ravel()[1:], diag.ravel(), upper.ravel()[:-1])[:5]

        def tridiagonal(rhs: np.ndarray) -> np.ndarray:
            x, _ = gttrs(*factors, rhs)
            return x

        # V = M_WW^-1 J_WB for the l column and the b_i columns together
        V_l, V_b = (tridiagonal(J.ravel()).reshape(n, nf, N) for J in (J_Wl, J_Wb))
        # the b rows' entries in the w columns: k c1 and k c2 (w_scale / b_scale) at w_0, w_1
        e1 = k * cw[:, 1:2] * ws_bs
        e2 = k * cw[:, 2:3] * ws_bs
        # Schur complement S = M_BB - M_BW M_WW^-1 M_WB on (l, b)
        S = np.zeros((n, m, m))
        S[:, 0, :] = -d_dlnR[:m].T
        S[:, 1:, 0] = -dJ0[0] * ws_bs
        S[:, 1 + i, 1 + i] = -dJ0_db * ws_bs
        S += np.eye(m) * hg[:, None, None]
        S[:, 1 + i, 0] -= e1 * V_l[:, :, 0] + e2 * V_l[:, :, 1]
        S[:, 1 + i, 1 + i] -= e1 * V_b[:, :, 0] + e2 * V_b[:, :, 1]
        S_inv = np.linalg.inv(S)

        def solve(r: np.ndarray) -> np.ndarray:
            u = tridiagonal(r[:, m:].ravel()).reshape(n, nf, N)
            r_B = r[:, :m].copy()
            r_B[:, 1:] += e1 * u[:, :, 0] + e2 * u[:, :, 1]
            x_B = np.einsum("nij,nj->ni", S_inv, r_B)
            x_W = u + V_l * x_B[:, :1, None] + V_b * x_B[:, 1:, None]
            return np.hstack([x_B, x_W.reshape(n, -1)])

        return solve, dfdt

    def contents(self, k: int, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Contents b, dissolved mass (kg) per fluid and the profiles w (kg/kg) of cell k over
        its states ``zs``."""
        nf, cells, n = self.nf, self.cells, self.grids[k].n
        b = zs[:, 1 : 1 + nf] * cells.b_scale[k]
        w = zs[:, 1 + nf :].reshape(len(zs), nf, self.Nmax)[:, :, :n] * cells.w_scale[k][:, None]
        dissolved = cells.rho[k] * FOUR_PI_3 * (w @ self.grids[k].widths)
        return b, dissolved, w


def _atol(rtol: float, width: int) -> np.ndarray:
    """Absolute tolerances of a scaled state of ``width``: rtol 1e-2 for l = ln(R / R0), rtol
    1e-3 for the rest, all of order one."""
    return np.concatenate(([rtol * 1e-2], np.full(width - 1, rtol * 1e-3)))


def _per_R3(z: np.ndarray) -> np.ndarray:
    """u_i = (b_i / b_scale_i) e^(-3 l) from the columns (l, b_i / b_scale_i) of full states."""
    return z[:, 1:] * np.exp(-3.0 * z[:, :1])


def _wall_flux(k: np.ndarray, cw: np.ndarray, wall: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The flux into the bubble, k (c0 w(0) + c1 w_1 + c2 w_2), from the wall loading and the
    first two volumes' (in w_scale units; k = 9 D R^4, the wall weights c (rows, 3))."""
    return k * (cw[:, :1] * wall + cw[:, 1:2] * w[:, :, 0] + cw[:, 2:3] * w[:, :, 1])


def _divergence(flux: np.ndarray, wall_flux: np.ndarray, inv_w: np.ndarray, out: np.ndarray):
    """dw/dt of each volume from the face fluxes (rows, nf, N - 1) and the wall flux (rows, nf),
    written into ``out`` (rows, nf N), which is returned."""
    rows, nf, faces = flux.shape
    dw = out.reshape(rows, nf, faces + 1)  # a view
    dw[:, :, -1] = 0.0
    dw[:, :, :-1] = flux
    dw[:, :, 1:] -= flux
    dw[:, :, 0] -= wall_flux
    dw *= inv_w
    return out
