"""Optional compilation of numerical kernels by numba.

A kernel is a loop over rows of a numpy method that a foam calls hundreds of times on small
arrays, where numpy spends its time in the per-call overhead of its ~50 array operations: the
fast closure's right-hand side (:func:`foamline.foaming.cell.closure_rows`, the twin of
``FastCells.rhs``). With numba installed (the extra ``compiled``,
``pip install 'foamline[compiled]'``; the ``test`` and ``dev`` extras include it) the method
calls its kernel, which ``numba.njit`` compiles on its first call for one signature whose
arrays take any layout, with numpy's floating-point errors (inf and NaN, no exception). numba
keeps the machine code on disk (beside the module, or in its user cache where that is
read-only), so only the first process compiles it (~1 s). Without numba, or with
``FOAMLINE_COMPILED=0`` in the environment, the numpy method runs. The kernel repeats the
method's equations in the same order of operations; the two agree to rounding, which
tests/foaming/test_compiled.py checks with the kernel as plain Python (``.py_func``) and, where
numba is installed, compiled. Nothing runs in parallel: one core.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

try:
    import numba
except ImportError:  # the numpy code runs as written
    numba = None

#: Whether kernels are compiled: numba is installed and FOAMLINE_COMPILED is not "0".
ENABLED = numba is not None and os.environ.get("FOAMLINE_COMPILED", "1") != "0"


class _Kernel:
    """A function compiled by numba for ``signature`` on its first call."""

    def __init__(self, function: Callable, signature: str) -> None:
        self.py_func, self._signature, self._compiled = function, signature, None
        self.__doc__, self.__name__ = function.__doc__, function.__name__

    def __call__(self, *args: Any) -> Any:
        if self._compiled is None:
            compile_ = numba.njit(self._signature, cache=True, error_model="numpy")
            self._compiled = compile_(self.py_func)
        return self._compiled(*args)


def kernel(signature: str) -> Callable[[Callable], Callable]:
    """A decorator: the function compiled for ``signature`` (numba's notation, e.g.
    ``"float64[:, :](float64[:], float64[:, :])"``; ``[:]`` takes any layout) on its first call
    where :data:`ENABLED`, else the function itself. The plain function is at ``.py_func``."""

    def decorate(function: Callable) -> Callable:
        if ENABLED:
            return _Kernel(function, signature)
        function.py_func = function  # type: ignore[attr-defined]
        return function

    return decorate
