"""ndgpu from Python: NumPy's API over ndgpu's CPU and CUDA backends (docs/python.md).

    import ndgpu as np
    x = np.arange(12).reshape(3, 4)
    print(x.T)

Arrays are ``ndgpu.ndarray`` (the C++ ``nd::Array``). Float results default to float32, as in
ndgpu's C++ API (docs/design.md 4). NumPy, PyTorch and other DLPack producers exchange arrays
without copies: ``ndgpu.asarray(numpy_array)``, ``numpy.asarray(x)``, ``torch.from_dlpack(x)``.
"""
import builtins as _builtins
import math as _math
import os as _os


def _point_at_the_installed_blas():
    """A wheel records the OpenBLAS of pip's build environment, gone at run time: then the
    installed scipy-openblas32 (the same build, a dependency) is loaded instead (docs/blas.md)."""
    if _os.environ.get("NDGPU_BLAS_LIBRARY"):
        return
    try:
        import scipy_openblas32
    except ImportError:  # an in-tree build against the system's OpenBLAS
        return
    lib = _os.path.join(scipy_openblas32.get_lib_dir(), "libscipy_openblas.so")
    if _os.path.exists(lib):
        _os.environ["NDGPU_BLAS_LIBRARY"] = lib


_point_at_the_installed_blas()

from . import _core  # noqa: E402
from ._core import ndarray  # noqa: E402

# Every public function of the extension: the C++ API's, the op table's one per row included, so
# an op added to kernels/op_list.hpp is here too.
globals().update({name: getattr(_core, name) for name in dir(_core) if not name.startswith("_")})

from ._dtypes import (  # noqa: E402, F401
    bfloat16, bool_, dtype, float16, float32, float64, int8, int16, int32, int64, uint8, uint16,
    uint32, uint64, _name_of,
)
from . import _convert  # noqa: E402
from ._convert import array, asarray, from_dlpack  # noqa: E402, F401
from . import linalg, random  # noqa: E402, F401

abs = absolute  # noqa: F821  (the C++ API's aliases; the names come from _core above)
true_divide = divide  # noqa: F821
remainder = mod  # noqa: F821
pow = power  # noqa: F821
bitwise_not = invert  # noqa: F821
amax = max
amin = min
newaxis = None
pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan


def zeros_like(x, dtype=None):
    x = asarray(x)
    return zeros(x.shape, dtype=_name_of(dtype) or x.dtype.name, device=x.device)


def ones_like(x, dtype=None):
    x = asarray(x)
    return ones(x.shape, dtype=_name_of(dtype) or x.dtype.name, device=x.device)


def full_like(x, fill_value, dtype=None):
    x = asarray(x)
    return full(x.shape, fill_value, dtype=_name_of(dtype) or x.dtype.name, device=x.device)


def reshape(x, shape):
    return asarray(x).reshape(shape)


def transpose(x, axes=None):
    return asarray(x).transpose(axes)


def allclose(a, b, rtol=1e-05, atol=1e-08):
    """NumPy's allclose: |a - b| <= atol + rtol * |b| everywhere (NaNs unequal)."""
    a, b = asarray(a), asarray(b)
    return bool((absolute(a - b) <= atol + rtol * absolute(b)).all())


def isclose(a, b, rtol=1e-05, atol=1e-08):
    a, b = asarray(a), asarray(b)
    return absolute(a - b) <= atol + rtol * absolute(b)


def kmeans(x, k, iters=100, seed=0):
    """k-means++ then Lloyd steps: (centroids, labels, iterations, inertia)."""
    return _core._kmeans(asarray(x), k, iters, seed)


# ---- the ndarray's Python-side methods ------------------------------------------------------------

def _dtype(self):
    return dtype(self._dtype_name)


def _shape_args(args):
    if len(args) == 1 and not isinstance(args[0], int):
        return tuple(args[0])
    return tuple(args)


def _reshape(self, *shape):
    return self._reshape(list(_shape_args(shape)))


def _transpose(self, *axes):
    if len(axes) == 1 and axes[0] is None:
        axes = ()
    return self._transpose(list(_shape_args(axes)) if axes else [])


def _item(self, *index):
    x = self[index] if index else self
    kind = x.dtype.kind
    return x._item_bool() if kind == "b" else x._item_int() if kind in "iu" else x._item_float()


def _tolist(self):
    kind = self.dtype.kind
    flat = self._to_list_bool() if kind == "b" else self._to_list_int() if kind in "iu" else self._to_list_float()
    if self.ndim == 0:
        return flat[0]

    def nest(values, shape):
        if len(shape) == 1:
            return list(values)
        step = len(values) // shape[0] if shape[0] else 0
        return [nest(values[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]

    return nest(flat, self.shape)


def _scalar(kind):
    def convert(self):
        if self.size != 1:
            raise TypeError("only length-1 arrays can be converted to Python scalars")
        return kind(_item(self))
    return convert


def _bool(self):
    if self.size != 1:
        raise ValueError("The truth value of an array with more than one element is ambiguous. "
                         "Use a.any() or a.all()")
    return _builtins.bool(_item(self))


def _index(self):
    if self.ndim != 0 or self.dtype.kind not in "iu":
        raise TypeError("only integer scalar arrays can be converted to a scalar index")
    return self._item_int()


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    return (self[i] for i in range(self.shape[0]))


def _array(self, dtype=None, copy=None):
    import numpy
    x = self.to("cpu")
    if x.dtype == bfloat16:
        x = x.astype(float32)
    out = numpy.asarray(x)  # through __array_interface__: no copy
    if dtype is not None:
        out = out.astype(dtype, copy=False)
    return out.copy() if copy else out


def _to_device(self, device, /, *, stream=None):
    return self._to(str(device))


ndarray.dtype = property(_dtype)
ndarray.reshape = _reshape
ndarray.transpose = _transpose
ndarray.item = _item
ndarray.tolist = _tolist
ndarray.__bool__ = _bool
ndarray.__int__ = _scalar(int)
ndarray.__float__ = _scalar(float)
ndarray.__index__ = _index
ndarray.__iter__ = _iter
ndarray.__array__ = _array
ndarray.to = _to_device
ndarray.to_device = _to_device
ndarray.cpu = lambda self: self._to("cpu")

_core._set_converters(_convert.asarray, _name_of)

__all__ = [n for n in dir() if not n.startswith("_")]
