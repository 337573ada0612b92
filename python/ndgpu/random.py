"""ndgpu.random: counter-based Philox numbers, the same bits on CPU and CUDA for one seed.
NumPy's spellings: rand(3, 3), randn(2, 4), seed(0), uniform(low, high, size)."""
from . import _core
from ._dtypes import _name_of

__all__ = ["seed", "rand", "randn", "random", "uniform", "normal", "integers", "randint"]


def _shape(args):
    if len(args) == 1 and not isinstance(args[0], int):
        return list(args[0])
    return list(args)


def seed(s):
    _core._seed(int(s))


def rand(*shape, dtype="float32", device=None):
    return _core._rand(_shape(shape), _name_of(dtype), device)


def randn(*shape, dtype="float32", device=None):
    return _core._randn(_shape(shape), _name_of(dtype), device)


def random(size=(), dtype="float32", device=None):
    return _core._rand(_shape((size,)), _name_of(dtype), device)


def uniform(low=0.0, high=1.0, size=(), dtype="float32", device=None):
    return _core._uniform(low, high, _shape((size,)), _name_of(dtype), device)


def normal(loc=0.0, scale=1.0, size=(), dtype="float32", device=None):
    return _core._normal(loc, scale, _shape((size,)), _name_of(dtype), device)


def integers(low, high=None, size=(), dtype="int64", device=None):
    if high is None:
        low, high = 0, low
    return _core._integers(low, high, _shape((size,)), _name_of(dtype), device)


randint = integers
