"""Direct Stokes flow through a voxel image: the cross-check of the pore-network permeance.

Creeping flow of a Newtonian liquid through the void of a boolean image (True = void), driven by
a uniform body force G (a mean pressure gradient) along ``axis``, periodic on every side:

    mu lap(u) - grad(p) + G e_axis = 0,    div(u) = 0    in the void,   u = 0 on the solid.

Marker-and-cell (MAC) finite volumes (Harlow & Welch, Phys. Fluids 8 (1965) 2182): pressure at
voxel centres, each velocity component on the voxel faces normal to it. A face carries flow only
between two void voxels. The wall between a void and a solid voxel lies on their shared face:
a velocity whose neighbour across the flow is a closed face sees the wall half a voxel away
(ghost value -u, second order); a neighbour along its own direction that is closed is the wall
itself (u = 0). The saddle-point system is solved directly (scipy.sparse, SuperLU); a pressure
shift of 1e-10 of the pressure scale removes the constant of each closed pocket. Darcy's law then
gives the permeability k = mu <u> / G, <u> the superficial velocity (mean over the whole image).

Exact checks (tests/membrane/test_stokes.py): the plane slit k = phi H^2 / 12 and the circular
tube k = phi R^2 / 8 (Hagen-Poiseuille). Meant for small images (up to about 40^3 voxels).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve


def stokes_permeability(void: np.ndarray, voxel_m: float, axis: int = 0) -> float:
    """Permeability, m^2, of a periodic boolean image (True = void) for flow along ``axis``."""
    void = np.asarray(void, dtype=bool)
    if void.ndim != 3:
        raise ValueError("stokes_permeability needs a 3-D image")
    shape = void.shape
    n_cells = void.size
    cell_index = -np.ones(shape, dtype=np.int64)
    cell_index[void] = np.arange(int(void.sum()))
    n_p = int(void.sum())

    # open faces: face a of cell c sits between c and its +1 neighbour along axis a
    open_face = [void & np.roll(void, -1, axis=a) for a in range(3)]
    face_index = []
    offset = 0
    for a in range(3):
        idx = -np.ones(shape, dtype=np.int64)
        count = int(open_face[a].sum())
        idx[open_face[a]] = offset + np.arange(count)
        face_index.append(idx)
        offset += count
    n_u = offset
    h2 = voxel_m**2

    rows, cols, vals = [], [], []
    rhs = np.zeros(n_u + n_p)
    for a in range(3):
        mine = face_index[a]
        at = np.nonzero(mine >= 0)
        me = mine[at]
        diag = np.zeros(me.size)
        for d in range(3):
            for step in (-1, 1):
                nb = np.roll(mine, -step, axis=d)[at]
                has = nb >= 0
                rows.append(me[has])
                cols.append(nb[has])
                vals.append(np.full(has.sum(), -1.0 / h2))
                # an open neighbour: -(u_nb - u) -> +1 on the diagonal; a closed one across the
                # flow is a wall half a voxel away (ghost -u): +2; along the flow, u = 0: +1
                diag += np.where(has, 1.0, 1.0 if d == a else 2.0) / h2
        rows.append(me)
        cols.append(me)
        vals.append(diag)
        # pressure gradient: (p[c + e_a] - p[c]) / h on the face between c and c + e_a
        right = np.roll(cell_index, -1, axis=a)[at]
        left = cell_index[at]
        rows += [me, me]
        cols += [n_u + right, n_u + left]
        vals += [np.full(me.size, 1.0 / voxel_m), np.full(me.size, -1.0 / voxel_m)]
        if a == axis:
            rhs[me] = 1.0  # G / mu = 1: the velocities come out in units of G / mu
    # continuity in each void cell: sum over axes of (u[c] - u[c - e_a]) / h = 0
    for a in range(3):
        out_face = face_index[a]
        in_face = np.roll(face_index[a], 1, axis=a)
        for faces, sign in ((out_face, 1.0), (in_face, -1.0)):
            has = (faces >= 0) & void
            rows.append(n_u + cell_index[has])
            cols.append(faces[has])
            vals.append(np.full(int(has.sum()), sign / voxel_m))
    # a tiny pressure shift fixes the free constant of each connected pocket
    rows.append(n_u + np.arange(n_p))
    cols.append(n_u + np.arange(n_p))
    vals.append(np.full(n_p, -1e-10))  # the Schur complement B A^-1 B^T is of order 1
    matrix = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_u + n_p, n_u + n_p),
    )
    solution = spsolve(matrix.tocsc(), rhs)
    u = solution[face_index[axis][face_index[axis] >= 0]]
    # k = mu <u> / G with u in units of G / mu
    return float(u.sum() / n_cells)
