"""ndgpu's dtypes as Python objects: ``ndgpu.float32``, ``x.dtype``, ``ndgpu.dtype("int64")``.

A dtype compares equal to itself, to its name and to the NumPy dtype or type of that name, so
``x.dtype == np.float32`` works as in NumPy. Anything NumPy accepts as a dtype (np.float32,
"f4", float) names the same ndgpu dtype here.
"""

_KINDS = {"bool": ("b", 1), "int8": ("i", 1), "int16": ("i", 2), "int32": ("i", 4), "int64": ("i", 8),
          "uint8": ("u", 1), "uint16": ("u", 2), "uint32": ("u", 4), "uint64": ("u", 8),
          "float16": ("f", 2), "bfloat16": ("f", 2), "float32": ("f", 4), "float64": ("f", 8)}


class dtype:
    """An element type: name, kind ('b', 'i', 'u', 'f') and itemsize, as NumPy's dtype has."""

    __slots__ = ("name", "kind", "itemsize")
    _cache = {}

    def __new__(cls, name):
        name = _name_of(name)
        found = cls._cache.get(name)
        if found is None:
            found = super().__new__(cls)
            found.name = name
            found.kind, found.itemsize = _KINDS[name]
            cls._cache[name] = found
        return found

    @property
    def type(self):  # NumPy's scalar type; here the dtype itself names it
        return self

    def __call__(self, value):
        """ndgpu.float32(2.5): a 0-d array of this dtype (NumPy gives a scalar of it)."""
        from ._convert import asarray
        return asarray(value, dtype=self)

    def __eq__(self, other):
        if isinstance(other, dtype):
            return other is self
        try:
            return _name_of(other) == self.name
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"dtype('{self.name}')"

    def __str__(self):
        return self.name


def _name_of(t):
    """The ndgpu dtype name of anything that names a dtype; None for None."""
    if t is None:
        return None
    if isinstance(t, dtype):
        return t.name
    if isinstance(t, str):
        if t in _KINDS:
            return t
        if t == "bool_":
            return "bool"
    if t is bool:
        return "bool"
    if t is int:
        return "int64"
    if t is float:
        return "float64"
    name = getattr(t, "name", None) or getattr(t, "__name__", None)
    if name in _KINDS:
        return name
    try:  # NumPy's spellings: np.float32, "f4", np.dtype("int32")
        import numpy
        name = numpy.dtype(t).name
    except Exception:
        name = None
    if name in _KINDS:
        return name
    raise TypeError(f"data type {t!r} not understood")


bool_ = dtype("bool")
int8, int16, int32, int64 = dtype("int8"), dtype("int16"), dtype("int32"), dtype("int64")
uint8, uint16, uint32, uint64 = dtype("uint8"), dtype("uint16"), dtype("uint32"), dtype("uint64")
float16, bfloat16 = dtype("float16"), dtype("bfloat16")
float32, float64 = dtype("float32"), dtype("float64")
