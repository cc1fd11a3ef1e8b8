"""Finite-volume grid of the melt shell in the Lagrangian volume coordinate y = r^3 - R^3.

y counts the melt volume (divided by 4 pi / 3) between the bubble wall and a melt particle, so a
particle keeps its y while the bubble grows and the shell maps to the fixed interval [0, Y],
Y = S0^3 - R0^3 (Amon & Denson 1984; MoDeNa bubbleGrowth). The concentration gradient is steep
at the wall, so cell widths grow geometrically from a thin first cell, as MoDeNa's
non-equidistant mesh does (coarsening factor about 1.02 there, on 200 nodes; about 1.1-1.3 here,
on fewer cells, which the grid-independence test in tests/foaming shows to be enough).

References
----------
Amon, M., Denson, C.D. Polym. Eng. Sci. 24 (1984) 1026.
MoDeNa-EUProject/MoDeNa, applications/PUfoam/MoDeNaModels/bubbleGrowth/src/src/model.f90.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

#: Cell-width growth ratio aimed at when the number of cells is chosen automatically.
TARGET_RATIO = 1.15
MIN_CELLS = 40
MAX_CELLS = 160


@dataclass(frozen=True)
class ShellGrid:
    """Cells of the shell in y (m3; the melt volume is 4 pi / 3 times y).

    Attributes
    ----------
    faces : the N + 1 cell faces, from 0 (bubble wall) to Y (outer edge of the shell).
    centres : the N cell centres.
    widths : the N cell widths.
    wall_weights : c0, c1, c2 of the one-sided second-order wall gradient
        dw/dy(0) = c0 w(0) + c1 w_1 + c2 w_2 from the wall value and the first two centres.
    """

    faces: np.ndarray
    centres: np.ndarray
    widths: np.ndarray
    wall_weights: tuple[float, float, float]

    @property
    def extent(self) -> float:
        """Y, m3: the whole shell."""
        return float(self.faces[-1])

    @property
    def n(self) -> int:
        return len(self.widths)


def stretched_grid(extent: float, first_width: float, n_cells: int | None = None) -> ShellGrid:
    """A grid on [0, extent] whose widths grow geometrically from ``first_width`` (both m3).

    With ``n_cells`` None the number of cells is chosen for a growth ratio near
    :data:`TARGET_RATIO`, between :data:`MIN_CELLS` and :data:`MAX_CELLS`.
    """
    if not (extent > 0.0 and math.isfinite(extent)):
        raise ValueError(f"the shell extent must be finite and positive, not {extent}")
    first_width = min(first_width, extent)
    if n_cells is None:
        q = TARGET_RATIO
        n_cells = math.ceil(math.log1p(extent * (q - 1.0) / first_width) / math.log(q))
        n_cells = min(max(n_cells, MIN_CELLS), MAX_CELLS)
    if n_cells < 3:
        raise ValueError(f"the shell grid needs at least 3 cells, not {n_cells}")
    if first_width * n_cells >= extent:
        widths = np.full(n_cells, extent / n_cells)
    else:
        target = extent / first_width

        def excess(q: float) -> float:
            return math.expm1(n_cells * math.log(q)) / (q - 1.0) - target

        # the sum of q^j over n cells exceeds q^(n - 1): target^(1 / (n - 1)) brackets the root
        q = brentq(excess, 1.0 + 1e-12, target ** (1.0 / (n_cells - 1)), xtol=1e-14)
        widths = first_width * q ** np.arange(n_cells)
        widths *= extent / widths.sum()
    faces = np.concatenate(([0.0], np.cumsum(widths)))
    faces[-1] = extent
    centres = 0.5 * (faces[:-1] + faces[1:])
    x1, x2 = centres[0], centres[1]
    weights = (-(x1 + x2) / (x1 * x2), x2 / (x1 * (x2 - x1)), -x1 / (x2 * (x2 - x1)))
    return ShellGrid(faces, centres, widths, weights)
