"""ndgpu.linalg: NumPy's norm (ord None, 0, 1, 2, inf, -inf, and 'fro' for matrices)."""
from . import _core
from ._core import matmul, outer  # noqa: F401

__all__ = ["norm", "matmul", "outer"]


def norm(x, ord=None, axis=None, keepdims=False):
    if ord == "fro":
        ord = None
    return _core._norm(x, None if ord is None else float(ord), axis, keepdims)
