"""The numerical problem of one cell: state vectors, right-hand sides and the Jacobian.

The equations are stated in :mod:`foamline.foaming.growth`. Here they are written for the
integrators, in scaled variables of order one:

- l = ln(R / R0);
- b_i / (ws_i R0^3), where b_i = m_i / ((4 pi / 3) rho_p) is the cell's content of fluid i (gas
  and condensate) in the units of the volume coordinate (m3 times kg/kg), ws_i the fluid's scale
  (its initial loading);
- full fidelity: w_ij / ws_i in each finite volume j of the shell;
- fast fidelity: tau_i / tau_i(0), the Lagrangian diffusion age of the closure.

Both right-hand sides conserve each fluid exactly: the wall flux leaving the shell is the one
entering the cell. The full-fidelity Jacobian is analytic (sparse: a tridiagonal block per fluid,
bordered by the radius and the cell contents), with d ln(eta)/dw = -beta of the exponential
plasticisation.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np
from scipy.sparse import csc_matrix

from foamline.foaming.grid import ShellGrid
from foamline.foaming.properties import MeltProperties, NodeProperties, sample, sigma_ratio
from foamline.materials.solubility import R_GAS

#: A layer "age" of this fraction of the run regularises the 1/sqrt(tau) start of the closure.
FAST_START_AGE = 1e-9
FOUR_PI_3 = 4.0 * math.pi / 3.0
QUARTER_PI2 = 0.25 * math.pi**2


def gas(b: np.ndarray, rho, R3, T, cap, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Partial pressures (Pa) and condensate (m3 kg/kg) from the cell contents b (m3 kg/kg, last
    axis the fluids), polymer density rho (kg/m3), R^3 (m3), T (K), vapour caps (Pa), molar
    masses M (kg/mol); arrays broadcast."""
    c = rho * R_GAS * T / R3
    p_raw = b * c / M
    p = np.minimum(p_raw, cap)
    return p, np.where(p_raw > cap, b - p * M / c, 0.0)


def _scales(w0, p0, R0, rho, T0, node_at, M) -> tuple[np.ndarray, np.ndarray]:
    """Initial cell contents b0 (cells, fluids), m3 kg/kg, and each fluid's scale: its loading,
    else the wall loading of the cell's initial gas. p0 in Pa (cells, fluids); R0 (m), rho
    (kg/m3) and T0 (K) one per cell; M the molar masses, kg/mol."""
    T0 = np.asarray(T0, dtype=float)
    b0 = p0 * M * (R0**3 / (rho * R_GAS * T0))[:, None]
    wall0 = np.array([node_at(T).henry for T in T0]) * p0
    fallback = np.maximum(max(float(w0.max()), 1e-12), wall0.max(axis=1))[:, None]
    return b0, np.where(w0 > 0.0, w0, np.where(wall0 > 1e-12, wall0, fallback))


class FastCells:
    """The integral closure (fast fidelity) of K cells in one melt under one T(t) and P(t).

    Vectorised over the cells: row k of the state is (l, b_i / b_scale_i, tau_i / tau_scale_i)
    of cell k; :meth:`rhs` takes any rows, each at its own time (:mod:`.rosenbrock`). An
    isolated bubble has Y = inf: its shell terms vanish through 1 / Y = 0.

    Parameters
    ----------
    melt : the melt and its fluids. w0 : loading of each fluid, kg/kg (fluids,).
    p0 : initial partial pressures, Pa (cells, fluids). R0 : initial radii, m (cells,).
    rho : polymer density of each shell, kg/m3. Y : y-extent of each shell, m3 (inf: isolated).
    t0 : birth time of each cell, s. t1 : end time, s.
    T_of_t, P_of_t : temperature (K) and ambient pressure (Pa) of the melt, callables of t.
    node_at, nodes_at : the temperature-dependent properties at one T, and at an array of T.
    """

    def __init__(self, melt, w0, p0, R0, rho, Y, t0, t1, T_of_t, P_of_t, node_at, nodes_at) -> None:
        self.melt, self.nf, self.width = melt, len(w0), 1 + 2 * len(w0)
        self.w0, self.M = w0, melt.molar_mass
        self.T_of_t, self.P_of_t, self.nodes_at = T_of_t, P_of_t, nodes_at
        self._last: tuple = (None,)  # the times of the last call and T, P, properties there
        self.p0, self.R0, self.rho, self.t0, self.Y = p0, R0, rho, t0, Y
        T0 = [T_of_t(t) for t in t0]
        D0 = np.array([node_at(T).diffusivity for T in T0])
        self.b0, self.w_scale = _scales(w0, p0, R0, rho, T0, node_at, self.M)
        self.b_scale = self.w_scale * (R0**3)[:, None]
        tau0 = 9.0 * D0 * (R0**4 * FAST_START_AGE * (t1 - t0))[:, None]
        self.tau_scale = np.maximum(tau0, 1e-300)
        self.z0 = np.hstack([np.zeros((len(R0), 1)), self.b0 / self.b_scale, np.ones_like(D0)])
        # per cell, what the right-hand side needs, in one array (one gather per call): R0;
        # 1 / Y; the shell mode pi^2 / (4 Y); then per fluid rho R_g / M (p = b T / R^3 x
        # this), the shell mean less b / Y, b_scale, 9 / b_scale, tau_scale, 9 / tau_scale
        nf, inv_Y = self.nf, (1.0 / Y)[:, None]
        self._columns = np.hstack([
            R0[:, None], inv_Y, QUARTER_PI2 * inv_Y, (rho * R_GAS)[:, None] / self.M,
            w0 + self.b0 * inv_Y, self.b_scale, 9.0 / self.b_scale, self.tau_scale,
            9.0 / self.tau_scale,
        ])  # fmt: skip
        names = ("rho_R_M", "mean0", "b_scale", "b_rate", "tau_scale", "tau_rate")
        self._at = {name: slice(3 + i * nf, 3 + (i + 1) * nf) for i, name in enumerate(names)}

    def under(self, T_of_t, P_of_t, nodes_at) -> FastCells:
        """The same cells under other conditions T(t), P(t) (and their properties ``nodes_at``)."""
        new = copy.copy(self)
        new.T_of_t, new.P_of_t, new.nodes_at = T_of_t, P_of_t, nodes_at
        new._last = (None,)
        return new

    def atol(self, rtol: float) -> np.ndarray:
        """Absolute tolerances of the scaled state of one cell."""
        return np.concatenate(([rtol * 1e-2], np.full(2 * self.nf, rtol * 1e-3)))

    def _conditions(self, t: np.ndarray):
        """T (K), P (Pa) and the properties at the times t (s); the last ones are kept, as the
        later stages of a step ask again at the same times."""
        key = t.tobytes()
        if self._last[0] != key:
            T = sample(self.T_of_t, t)
            self._last = (key, T, sample(self.P_of_t, t), self.nodes_at(T))
        return self._last[1:]

    def rhs(self, t: np.ndarray, z: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """dz/dt of the states z (rows, width) of the cells of index ``cells``, each at its time
        t (rows,)."""
        nf, at = self.nf, self._at
        T, P, node = self._conditions(t)
        c = self._columns[cells]
        R = c[:, 0] * np.exp(z[:, 0])
        R3 = R * R * R
        inv_Y = c[:, 1]
        b = z[:, 1 : 1 + nf] * c[:, at["b_scale"]]
        p = np.minimum(b * (T / R3)[:, None] * c[:, at["rho_R_M"]], node.cap)
        wall = p * node.henry
        sigma = self.melt.surface_tensions(node, wall)
        # d ln R / dt = (p_g - P - 2 sigma / R) (1 + R^3 / Y) / (4 eta); 0 for a glass
        fluidity = np.exp(-self.melt.ln_viscosities(T, P, wall))
        out = np.empty_like(z)
        out[:, 0] = 0.25 * (p.sum(axis=1) - P - 2.0 * sigma / R) * fluidity * (1.0 + R3 * inv_Y)
        # the closure, with its factor 9 folded into b_rate and tau_rate
        k = node.diffusivity * (R3 * R)[:, None]
        layer = (math.pi * z[:, 1 + nf :] * c[:, at["tau_scale"]]) ** -0.5
        g = (1.0 / (3.0 * R3))[:, None] + layer + c[:, 2:3]
        drive = c[:, at["mean0"]] - b * inv_Y[:, None] - wall
        out[:, 1 : 1 + nf] = k * drive * g * c[:, at["b_rate"]]
        out[:, 1 + nf :] = k * c[:, at["tau_rate"]]
        return out

    def contents(self, k: int, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Contents b and dissolved mass (kg) per fluid of cell k over its states ``zs``."""
        b = zs[:, 1 : 1 + self.nf] * self.b_scale[k]
        if math.isfinite(self.Y[k]):
            dissolved = self.rho[k] * FOUR_PI_3 * (self.w0 * self.Y[k] - (b - self.b0[k]))
        else:
            dissolved = np.full_like(b, math.inf)
        return b, dissolved

    def ages(self, k: int, zs: np.ndarray) -> np.ndarray:
        """Lagrangian diffusion age tau (m6) per fluid of cell k over its states ``zs``."""
        return zs[:, 1 + self.nf :] * self.tau_scale[k]


class CellProblem:
    """Set-up, right-hand side and Jacobian of one cell in full fidelity (see the docstring)."""

    def __init__(
        self,
        melt: MeltProperties,
        w0: np.ndarray,
        p0: np.ndarray,
        R0: float,
        rho: float,
        shell_extent: float,
        T_of_t: Callable[[float], float],
        P_of_t: Callable[[float], float],
        node_at: Callable[[float], NodeProperties],
        t0: float,
        t1: float,
    ) -> None:
        self.melt = melt
        self.nf = len(w0)
        self.w0 = w0
        self.R0 = R0
        self.rho = rho
        self.Y = shell_extent  # y-extent of the real shell, m3 (inf: isolated bubble)
        self.T_of_t, self.P_of_t, self.node_at = T_of_t, P_of_t, node_at
        self.t0, self.t1 = t0, t1
        self.M = melt.molar_mass
        T0 = T_of_t(t0)
        b0, w_scale = _scales(
            w0, p0[None, :], np.array([R0]), np.array([rho]), [T0], node_at, self.M
        )
        self.b0, self.w_scale = b0[0], w_scale[0]
        self.b_scale = self.w_scale * R0**3
        self.finite = math.isfinite(shell_extent)

    # -- shared physics ---------------------------------------------------------------------
    def _momentum(self, t: float, T: float, R: float, R3: float, p: list, node: NodeProperties):
        """d ln R / dt, and what its Jacobian needs: wall, sigma, eta, eta_eff, the drive."""
        P = self.P_of_t(t)
        wall = [h * x for h, x in zip(node.henry_list, p, strict=True)]
        sigma = self.melt.surface_tension(node, wall)
        eta = self.melt.viscosity(T, P, wall)
        drive = sum(p) - P - 2.0 * sigma / R
        if math.isinf(eta):
            return 0.0, wall, sigma, eta, math.inf, P
        eta_eff = eta * self.Y / (R3 + self.Y) if self.finite else eta
        return drive / (4.0 * eta_eff), wall, sigma, eta, eta_eff, P

    # -- full fidelity: finite volumes ----------------------------------------------------------
    def full_start(self, grid: ShellGrid, rtol: float) -> tuple[np.ndarray, np.ndarray]:
        self.grid = grid
        nf, N = self.nf, grid.n
        self.N = N
        self.inner_faces = grid.faces[1:-1]
        self.dyc = np.diff(grid.centres)
        self.inv_width = 1.0 / grid.widths
        self._jac_structure()
        z0 = np.concatenate(([0.0], self.b0 / self.b_scale, np.repeat(self.w0 / self.w_scale, N)))
        atol = np.concatenate(([rtol * 1e-2], np.full(nf + nf * N, rtol * 1e-3)))
        return z0, atol

    def _terms(self, t: float, z: np.ndarray) -> dict:
        """Everything the right-hand side and the Jacobian share, at (t, z)."""
        nf, N = self.nf, self.N
        R = self.R0 * math.exp(z[0])
        R3 = R**3
        T = self.T_of_t(t)
        node = self.node_at(T)
        b = z[1 : 1 + nf] * self.b_scale
        w = z[1 + nf :].reshape(nf, N) * self.w_scale[:, None]
        c = self.rho * R_GAS * T / R3
        p_raw = b * c / self.M
        p = np.minimum(p_raw, node.cap)
        free = p_raw < node.cap  # not condensing: p follows b and R
        dlnR, wall, sigma, eta, eta_eff, P = self._momentum(t, T, R, R3, p.tolist(), node)
        D9 = 9.0 * node.diffusivity
        face_r4 = (self.inner_faces + R3) ** (4.0 / 3.0)
        a = D9[:, None] * (face_r4 / self.dyc)[None, :]  # (nf, N-1) face conductances
        flux = a * (w[:, 1:] - w[:, :-1])
        R4 = R3 ** (4.0 / 3.0)
        c0, c1, c2 = self.grid.wall_weights
        wall_arr = node.henry * p
        wall_flux = D9 * R4 * (c0 * wall_arr + c1 * w[:, 0] + c2 * w[:, 1])
        return {
            "R": R,
            "R3": R3,
            "T": T,
            "P": P,
            "node": node,
            "w": w,
            "c": c,
            "p": p,
            "free": free,
            "dlnR": dlnR,
            "wall": wall,
            "sigma": sigma,
            "eta": eta,
            "eta_eff": eta_eff,
            "D9": D9,
            "a": a,
            "flux": flux,
            "wall_flux": wall_flux,
        }

    def full_rhs(self, t: float, z: np.ndarray) -> np.ndarray:
        v = self._terms(t, z)
        nf = self.nf
        flux, wall_flux = v["flux"], v["wall_flux"]
        dw = np.empty_like(v["w"])
        dw[:, :-1] = flux
        dw[:, -1] = 0.0
        dw[:, 1:] -= flux
        dw[:, 0] -= wall_flux
        dw *= self.inv_width[None, :]
        out = np.empty_like(z)
        out[0] = v["dlnR"]
        out[1 : 1 + nf] = wall_flux / self.b_scale
        out[1 + nf :] = (dw / self.w_scale[:, None]).ravel()
        return out

    def _jac_structure(self) -> None:
        """Row and column of every Jacobian entry, in the order ``full_jac`` fills them."""
        nf, N = self.nf, self.N
        rows, cols = [], []

        def add(r, c):
            rows.append(np.broadcast_to(r, np.broadcast(r, c).shape).ravel())
            cols.append(np.broadcast_to(c, np.broadcast(r, c).shape).ravel())

        add(0, np.arange(1 + nf))  # l row: l and every b
        for i in range(nf):
            bi, wi = 1 + i, 1 + nf + i * N + np.arange(N)
            add(bi, np.array([0, bi, wi[0], wi[1]]))  # b row
            add(wi, 0)  # every w depends on l
            add(wi[0], bi)  # first cell: the wall value
            add(wi, wi)  # diagonal
            add(wi[:-1], wi[1:])  # upper
            add(wi[1:], wi[:-1])  # lower
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        n = 1 + nf + nf * N
        order = np.lexsort((rows, cols))  # CSC: by column, then row
        self._jac_order = order
        self._jac_indices = rows[order].astype(np.int32)
        counts = np.bincount(cols, minlength=n)
        self._jac_indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
        self._jac_shape = (n, n)

    def full_jac(self, t: float, z: np.ndarray) -> csc_matrix:
        v = self._terms(t, z)
        nf, N = self.nf, self.N
        R, R3, p, node = v["R"], v["R3"], v["p"], v["node"]
        c, free = v["c"], v["free"]
        H = node.henry
        dp_db = np.where(free, c / self.M, 0.0)  # d p_i / d b_i
        dp_dl = np.where(free, -3.0 * p, 0.0)  # d p_i / d l
        # momentum row
        F, sigma, eta, eta_eff = v["dlnR"], v["sigma"], v["eta"], v["eta_eff"]
        if math.isinf(eta):
            dF_dl = 0.0
            dF_db = np.zeros(nf)
        else:
            wall = v["wall"]
            if self.melt.fixed_surface_tension is None:
                ratio = max(sigma_ratio(node, wall), 0.0)
                slope = node.sigma_slope + 2.0 * node.sigma_curvature * np.asarray(wall)
                dsigma_dp = 4.0 * node.sigma0 * ratio**3 * slope * H
            else:
                dsigma_dp = np.zeros(nf)
            dlneta_dp = self.melt.dln_viscosity_dwall() * H
            dlnf_dl = -3.0 * R3 / (R3 + self.Y) if self.finite else 0.0
            inv = 1.0 / (4.0 * eta_eff)
            dF_dl = inv * (
                float(dp_dl.sum()) - 2.0 / R * float(dsigma_dp @ dp_dl) + 2.0 * sigma / R
            ) - F * (float(dlneta_dp @ dp_dl) + dlnf_dl)
            dF_db = dp_db * (inv * (1.0 - 2.0 * dsigma_dp / R) - F * dlneta_dp)
        parts = [np.array([dF_dl]), dF_db * self.b_scale]
        # shell and cell contents
        D9, a, flux, wall_flux = v["D9"], v["a"], v["flux"], v["wall_flux"]
        R4 = R3 ** (4.0 / 3.0)
        c0, c1, c2 = self.grid.wall_weights
        dlr4 = 4.0 * R3 / (self.inner_faces + R3)  # d ln r4 / d l at the inner faces
        inv_w = self.inv_width
        for i in range(nf):
            k = D9[i] * R4
            dJ0_dl = 4.0 * wall_flux[i] + k * c0 * H[i] * dp_dl[i]
            dJ0_db = k * c0 * H[i] * dp_db[i]
            bs, ws = self.b_scale[i], self.w_scale[i]
            parts.append(np.array([dJ0_dl / bs, dJ0_db, k * c1 * ws / bs, k * c2 * ws / bs]))
            dflux_dl = flux[i] * dlr4
            dw_dl = np.zeros(N)
            dw_dl[:-1] += dflux_dl
            dw_dl[1:] -= dflux_dl
            dw_dl[0] -= dJ0_dl
            parts.append(dw_dl * inv_w / ws)
            parts.append(np.array([-dJ0_db * inv_w[0] * bs / ws]))
            ai = a[i]
            diag = np.zeros(N)
            diag[:-1] -= ai
            diag[1:] -= ai
            diag[0] -= k * c1
            parts.append(diag * inv_w)
            upper = ai.copy()
            upper[0] -= k * c2
            parts.append(upper * inv_w[:-1])
            parts.append(ai * inv_w[1:])
        data = np.concatenate(parts)[self._jac_order]
        return csc_matrix((data, self._jac_indices, self._jac_indptr), shape=self._jac_shape)

    def full_contents(self, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cell contents b, dissolved mass (kg) per fluid and the profiles w over the states."""
        nf, N = self.nf, self.N
        b = zs[:, 1 : 1 + nf] * self.b_scale
        w = zs[:, 1 + nf :].reshape(len(zs), nf, N) * self.w_scale[None, :, None]
        dissolved = self.rho * (4.0 * math.pi / 3.0) * (w @ self.grid.widths)
        return b, dissolved, w
