"""Flow and capillary entry through a pore network: cells (nodes) joined by windows (throats).

Flow. A throat of diameter d through a wall of thickness l conducts g = Q / dP with the
Sampson orifice and the Hagen-Poiseuille channel in series (Dagan, Weinbaum & Pfeffer, J. Fluid
Mech. 115 (1982) 505, whose exact solution the sum approximates within 1 %):

    1 / g = 24 mu / d^3 + 128 mu l / (pi d^4),

(Sampson, Phil. Trans. R. Soc. A 182 (1891) 449: Q = a^3 dP / (3 mu) for an aperture of radius
a; structure-membrane.md section 3.2). Nodes are perfectly mixed. With the feed nodes held at P_in
and the permeate nodes at P_out, mass conservation at every other node gives the sparse linear
system sum_j g_ij (P_i - P_j) = 0, solved with scipy.sparse.linalg.spsolve.

Capillary entry (bubble point). A non-wetting gas pushes the wetting liquid out of a window of
diameter d at P_c = 4 gamma cos(theta) C / d (Young-Laplace; C the shape factor, 1 for circular
windows, 0.715 in ASTM F316). Gas first breaks through along the path from feed to permeate
whose narrowest window is widest (the maximin path, the invasion-percolation threshold): the
bubble-point diameter d_bp. Found with a union-find over the windows in order of falling size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve


@dataclass(frozen=True)
class PoreNetwork:
    """Nodes (cells) and throats (windows) of a membrane slab, SI units.

    ``throats`` holds pairs of node indices; ``diameter`` and ``length`` the window diameter and
    the wall thickness it crosses. Feed and permeate are virtual reservoirs, written as node
    indices ``FEED`` (-1) and ``PERMEATE`` (-2) in ``throats``. ``area`` (m2) and ``thickness``
    (m) describe the slab.
    """

    n_nodes: int
    throats: np.ndarray  # (m, 2) int
    diameter: np.ndarray  # (m,) m
    length: np.ndarray  # (m,) m
    area: float
    thickness: float

    FEED = -1
    PERMEATE = -2


def throat_conductance(diameter: np.ndarray, length: np.ndarray, viscosity: float) -> np.ndarray:
    """g = Q / dP, m3/(s Pa): Sampson orifice and Hagen-Poiseuille channel in series."""
    d = np.asarray(diameter, dtype=float)
    resistance = 24.0 * viscosity / d**3 + 128.0 * viscosity * np.asarray(length) / (math.pi * d**4)
    return 1.0 / resistance


def flow_rate(network: PoreNetwork, pressure_drop: float, viscosity: float) -> float:
    """Volume flow (m3/s) through the slab for ``pressure_drop`` (Pa) feed to permeate."""
    n = network.n_nodes
    ends = _reservoirs_as_nodes(network)  # feed -> n, permeate -> n + 1
    g = throat_conductance(network.diameter, network.length, viscosity)
    a, b = ends[:, 0], ends[:, 1]
    laplacian = coo_matrix(
        (np.concatenate([g, g, -g, -g]), (np.r_[a, b, a, b], np.r_[a, b, b, a])),
        shape=(n + 2, n + 2),
    ).tocsr()
    # unknowns: the nodes joined to a reservoir (a cluster joined to neither carries no flow)
    unknown = np.nonzero(_connected_to_reservoirs(network))[0]
    fixed = np.array([n, n + 1])
    p_fixed = np.array([pressure_drop, 0.0])
    pressure = np.zeros(n + 2)
    pressure[fixed] = p_fixed
    if unknown.size:
        sub = laplacian[unknown][:, unknown]
        rhs = -laplacian[unknown][:, fixed] @ p_fixed
        pressure[unknown] = np.atleast_1d(spsolve(sub.tocsc(), rhs))
    if bubble_point_diameter(network) == 0.0:  # no open path from feed to permeate
        return 0.0
    from_feed = (a == n) | (b == n)
    other = np.where(a == n, b, a)[from_feed]
    return float(np.sum(g[from_feed] * (pressure_drop - pressure[other])))


def _reservoirs_as_nodes(network: PoreNetwork) -> np.ndarray:
    n = network.n_nodes
    ends = network.throats.copy()
    ends[ends == PoreNetwork.FEED] = n
    ends[ends == PoreNetwork.PERMEATE] = n + 1
    return ends


def _connected_to_reservoirs(network: PoreNetwork) -> np.ndarray:
    """True for nodes joined (through any throats) to the feed or the permeate."""
    n = network.n_nodes
    t = _reservoirs_as_nodes(network)
    t[t == n + 1] = n  # both reservoirs as one node
    graph = coo_matrix((np.ones(len(t)), (t[:, 0], t[:, 1])), shape=(n + 1, n + 1))
    _, labels = connected_components(graph, directed=False)
    return labels[:n] == labels[n]


def bubble_point_diameter(network: PoreNetwork) -> float:
    """Diameter (m) of the narrowest window on the widest feed-to-permeate path; 0 if none."""
    n = network.n_nodes
    parent = list(range(n + 2))
    feed, permeate = n, n + 1

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def index(node: int) -> int:
        return {PoreNetwork.FEED: feed, PoreNetwork.PERMEATE: permeate}.get(int(node), int(node))

    for k in np.argsort(-network.diameter, kind="stable"):
        a, b = (index(x) for x in network.throats[k])
        parent[find(a)] = find(b)
        if find(feed) == find(permeate):
            return float(network.diameter[k])
    return 0.0
