"""Python data to ndgpu arrays: lists and numbers (parsed by NumPy), and DLPack producers (NumPy,
PyTorch, CuPy, ndgpu itself) without a copy."""
from . import _core
from ._dtypes import _name_of

_PYTHON_DATA = (list, tuple, bool, int, float)


def from_dlpack(x, /, *, device=None, copy=None):
    """An ndgpu array over x's memory (x: any object with ``__dlpack__``): no copy."""
    out = _core._from_capsule(x.__dlpack__())
    if copy:
        out = out.copy()
    return out if device is None else out.to(device)


def _from_numpy(a):
    import numpy
    if not a.flags.writeable:  # DLPack exports only writable NumPy arrays
        a = a.copy()
    if a.dtype.name == "bfloat16":  # ml_dtypes' bfloat16: NumPy's DLPack has no code for it, so
        # its bits go over as the float32 they widen to (exact), then round back (exact too)
        wide = (a.view(numpy.uint16).astype(numpy.uint32) << numpy.uint32(16)).view(numpy.float32)
        return from_dlpack(wide).astype("bfloat16")
    return from_dlpack(a)


def asarray(obj, /, dtype=None, *, device=None, copy=None):
    """obj as an ndgpu array: itself, a view of a DLPack producer's memory, or a new array from
    Python data (a Python float gives float32, ndgpu's default float; an int int64)."""
    name = _name_of(dtype)
    if isinstance(obj, _core.ndarray):
        out = obj
    elif isinstance(obj, _PYTHON_DATA):
        import numpy
        a = numpy.asarray(obj)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"ndgpu arrays hold numbers, not {a.dtype}")
        if name is None and a.dtype.kind == "f":
            name = "float32"
        if name is not None and name != "bfloat16":
            a = a.astype(name)
        out = _from_numpy(a)
        copy = False  # already a new array
    elif hasattr(obj, "__dlpack__"):
        try:
            out = from_dlpack(obj)
        except BufferError:  # read-only NumPy arrays and the like
            import numpy
            out = _from_numpy(numpy.array(obj))
            copy = False
    else:
        import numpy
        out = _from_numpy(numpy.asarray(obj))
    if name is not None and out.dtype.name != name:
        out = out.astype(name)
        copy = False
    if device is not None and out.device != str(device):
        out = out.to(device)
        copy = False
    return out.copy() if copy else out


def array(obj, dtype=None, *, device=None, copy=True):
    """A new ndgpu array (copied unless copy=False allows a view)."""
    return asarray(obj, dtype=dtype, device=device, copy=copy)
