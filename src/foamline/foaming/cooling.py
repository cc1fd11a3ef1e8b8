"""Cooling of the extruded sheet after the die: transient conduction through its thickness.

    rho cp dT/dt = d/dx (k dT/dx),   0 < x < L,
    -k dT/dx = h (T - T_inf) at each cooled face, dT/dx = 0 at an insulated one,

solved by finite volumes (N equal cells across the thickness, the face condition through a
half-cell conductance in series with 1/h) and a stiff integrator (scipy BDF, tridiagonal
Jacobian); T(x, t) is available at any t by dense output. The properties are those of the
foamed sheet: the effective conductivity of a foam of void fraction phi is taken as
k = k_s (1 - phi) (2/3) + k_gas phi (the Glicksman-type parallel estimate for a foam; the
numerical coefficient 2/3 for struts and walls; Glicksman, in *Low Density Cellular Plastics*,
1994) and rho cp = (1 - phi) rho_s cp_s (the gas holds no heat). Checks: the lumped limit
(Bi << 1) T = T_inf + (T0 - T_inf) exp(-n h t / (rho cp L)), and the series solution of a slab
with both faces held at T_inf (Bi -> inf; Carslaw & Jaeger, *Conduction of Heat in Solids*,
1959, section 3.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.sparse import diags


def foam_conductivity(k_solid: float, void_fraction: float, k_gas: float = 0.025) -> float:
    """Effective conductivity of a foam, W/(m K): (2/3) k_s (1 - phi) + k_gas phi."""
    return 2.0 / 3.0 * k_solid * (1.0 - void_fraction) + k_gas * void_fraction


@dataclass(frozen=True)
class SheetCooling:
    """T(x, t) of a sheet of thickness L cooled at one or both faces (see module docstring)."""

    thickness: float
    x: np.ndarray  # cell centres, m
    solution: object  # scipy OdeSolution
    t_end: float

    def temperature(self, t: float | np.ndarray) -> np.ndarray:
        """T at the cell centres, K, at time(s) t (s): shape (N,) or (N, len(t))."""
        t = np.clip(t, 0.0, self.t_end)
        return self.solution(t)

    def mean_temperature(self, t: float) -> float:
        return float(np.mean(self.temperature(t)))

    def mid_temperature(self, t: float | np.ndarray) -> float | np.ndarray:
        """Temperature at the mid-plane (the slowest-cooling point of a symmetric sheet), K, at
        time(s) t (s)."""
        T = self.temperature(t)
        mid = 0.5 * self.thickness
        if np.ndim(t) == 0:
            return float(np.interp(mid, self.x, T))
        # linear interpolation between the two cell centres around the mid-plane
        j = int(np.clip(np.searchsorted(self.x, mid), 1, len(self.x) - 1))
        f = (mid - self.x[j - 1]) / (self.x[j] - self.x[j - 1])
        return T[j - 1] * (1.0 - f) + T[j] * f


def cool_sheet(
    thickness: float,
    T0: float,
    T_inf: float,
    htc: float,
    conductivity: float,
    volumetric_heat_capacity: float,
    t_end: float,
    cells: int = 24,
    faces: int = 2,
    rtol: float = 1e-7,
) -> SheetCooling:
    """Solve the sheet's cooling from uniform T0 (K) for ``t_end`` seconds.

    ``htc`` W/(m2 K) at ``faces`` faces (2: both; 1: the face at x = 0, the other insulated),
    ``conductivity`` W/(m K), ``volumetric_heat_capacity`` rho cp in J/(m3 K).
    """
    dx = thickness / cells
    x = (np.arange(cells) + 0.5) * dx
    inner = conductivity / dx  # W/(m2 K) between cell centres
    face = 1.0 / (1.0 / htc + 0.5 * dx / conductivity)  # centre of an edge cell to the medium
    lower = np.full(cells - 1, inner)
    main = np.zeros(cells)
    main[:-1] -= inner
    main[1:] -= inner
    source = np.zeros(cells)
    main[0] -= face
    source[0] = face * T_inf
    if faces == 2:
        main[-1] -= face
        source[-1] = face * T_inf
    scale = 1.0 / (volumetric_heat_capacity * dx)
    matrix = diags([lower * scale, main * scale, lower * scale], [-1, 0, 1], format="csc")
    source = source * scale

    def rhs(_t: float, T: np.ndarray) -> np.ndarray:
        return matrix @ T + source

    sol = solve_ivp(
        rhs,
        (0.0, t_end),
        np.full(cells, float(T0)),
        method="BDF",
        jac=matrix,
        rtol=rtol,
        atol=1e-6,
        dense_output=True,
    )
    return SheetCooling(thickness, x, sol.sol, t_end)
