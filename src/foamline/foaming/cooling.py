"""Cooling of the extruded sheet after the die: transient conduction through its thickness.

    rho cp dT/dt = d/dx (k dT/dx),   0 < x < L,
    -k dT/dx = h (T - T_inf) at each cooled face, dT/dx = 0 at an insulated one,

solved by finite volumes (N equal cells across the thickness, the face condition through a
half-cell conductance in series with 1/h). The cells are equal, so the system dT/dt = A (T - T_inf)
has a symmetric tridiagonal A, and it is solved exactly by its eigenmodes (A = V diag(lambda) V^T,
scipy ``eigh_tridiagonal``): T(t) = T_inf + V diag(exp(lambda t)) V^T (T0 - T_inf), at any t,
with no time step or tolerance. The properties are those of the
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
from scipy.linalg import eigh_tridiagonal


def foam_conductivity(k_solid: float, void_fraction: float, k_gas: float = 0.025) -> float:
    """Effective conductivity of a foam, W/(m K): (2/3) k_s (1 - phi) + k_gas phi."""
    return 2.0 / 3.0 * k_solid * (1.0 - void_fraction) + k_gas * void_fraction


@dataclass(frozen=True)
class SheetCooling:
    """T(x, t) of a sheet of thickness L cooled at one or both faces (see module docstring)."""

    thickness: float
    x: np.ndarray  # cell centres, m
    modes: np.ndarray  # eigenvectors of A, one per column
    rates: np.ndarray  # eigenvalues of A, 1/s (all negative)
    amplitudes: np.ndarray  # V^T (T0 - T_inf), K
    T_inf: float
    t_end: float

    def temperature(self, t: float | np.ndarray) -> np.ndarray:
        """T at the cell centres, K, at time(s) t (s, within [0, t_end]): shape (N,) or
        (N, len(t))."""
        t = np.clip(t, 0.0, self.t_end)
        decay = np.exp(np.multiply.outer(self.rates, t))  # (N,) or (N, len(t))
        return self.T_inf + self.modes @ (
            self.amplitudes.reshape((-1,) + (1,) * np.ndim(t)) * decay
        )

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
) -> SheetCooling:
    """Solve the sheet's cooling from uniform T0 (K) for ``t_end`` seconds.

    ``htc`` W/(m2 K) at ``faces`` faces (2: both; 1: the face at x = 0, the other insulated),
    ``conductivity`` W/(m K), ``volumetric_heat_capacity`` rho cp in J/(m3 K).
    """
    dx = thickness / cells
    x = (np.arange(cells) + 0.5) * dx
    inner = conductivity / dx  # W/(m2 K) between cell centres
    face = 1.0 / (1.0 / htc + 0.5 * dx / conductivity)  # centre of an edge cell to the medium
    main = np.zeros(cells)
    main[:-1] -= inner
    main[1:] -= inner
    main[0] -= face
    if faces == 2:
        main[-1] -= face
    scale = 1.0 / (volumetric_heat_capacity * dx)
    rates, modes = eigh_tridiagonal(main * scale, np.full(cells - 1, inner * scale))
    amplitudes = modes.T @ np.full(cells, float(T0) - float(T_inf))
    return SheetCooling(thickness, x, modes, rates, amplitudes, float(T_inf), t_end)
