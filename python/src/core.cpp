// ndgpu._core: the C++ API as a Python extension (nanobind). Python numbers, tuples, slices and
// keys are turned into the C++ API's own arguments here; everything else (dtype objects, the
// NumPy-style front door, conversions from Python data) lives in python/ndgpu/*.py. The
// elementwise functions come from the op table itself (kernels/op_list.hpp), so an op added to
// the table is in Python too. docs/python.md describes the module.
#include <dlpack/dlpack.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ndgpu/ndgpu.hpp"
#include "op_list.hpp"

namespace nb = nanobind;
using nd::Array;

namespace {

// ---- conversions ----------------------------------------------------------------------------

nb::object g_asarray;  // ndgpu._convert.asarray, set at import: Python data -> Array

nd::DType dtype_named(const std::string& name) {
#define ND_PY_DTYPE_NAME(e, type, str, ...) \
  if (name == str) return nd::DType::e;
  ND_DTYPE_TABLE(ND_PY_DTYPE_NAME, )
#undef ND_PY_DTYPE_NAME
  throw nd::TypeError("data type '" + name + "' not understood");
}

nb::object g_name_of;  // ndgpu._dtypes._name_of: any dtype spelling (ndgpu.int32, np.float32) -> name

// A dtype= argument: None, a name, or anything ndgpu.dtype accepts.
std::optional<nd::DType> opt_dtype(nb::handle t) {
  if (t.is_none()) return std::nullopt;
  if (PyUnicode_Check(t.ptr())) return dtype_named(nb::cast<std::string>(t));
  return dtype_named(nb::cast<std::string>(g_name_of(t)));
}
nd::DType dtype_or(nb::handle t, nd::DType otherwise) { return opt_dtype(t).value_or(otherwise); }

std::optional<nd::Device> opt_device(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return nd::parse_device(*s);
}

// A Python bool, int or float as a C++ number (NumPy's "weak" scalars); nullopt for anything else.
std::optional<nd::Number> number_of(nb::handle h) {
  PyObject* o = h.ptr();
  if (PyBool_Check(o)) return nd::Number(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (!overflow) return nd::Number(static_cast<int64_t>(v));
    const unsigned long long u = PyLong_AsUnsignedLongLong(o);
    if (PyErr_Occurred()) {
      PyErr_Clear();
      throw nd::ValueError("Python integer " + nb::cast<std::string>(nb::str(h)) + " out of bounds for int64");
    }
    return nd::Number(static_cast<uint64_t>(u));
  }
  if (PyFloat_Check(o)) return nd::Number(PyFloat_AsDouble(o));
  return std::nullopt;
}

// An operand: the Array inside an ndarray (no copy), or Python data converted by asarray.
struct In {
  Array owned;
  const Array* p;
  explicit In(nb::handle h) {
    if (nb::isinstance<Array>(h)) {
      p = &nb::cast<const Array&>(h);
    } else {
      owned = nb::cast<Array>(g_asarray(h));
      p = &owned;
    }
  }
  In(const In&) = delete;  // p may point into owned
  const Array& operator*() const { return *p; }
};

// where / clip operands: a number, or an array (In).
struct InOrNumber {
  std::optional<nd::Number> n;
  std::optional<In> a;
  explicit InOrNumber(nb::handle h) : n(number_of(h)) {
    if (!n) a.emplace(h);
  }
  nd::ArrayOrScalar get() const { return n ? nd::ArrayOrScalar(*n) : nd::ArrayOrScalar(**a); }
};

// f(array, array), f(array, number) or f(number, array), as the C++ API has them.
template <class F>
Array binary(F f, nb::handle x, nb::handle y) {
  const auto nx = number_of(x), ny = number_of(y);
  if (nx && !ny) return f(*nx, *In(y));
  if (ny && !nx) return f(*In(x), *ny);
  return f(*In(x), *In(y));
}

nd::Axes axes_of(nb::handle axis) {
  if (axis.is_none()) return {};
  if (PyTuple_Check(axis.ptr()) || PyList_Check(axis.ptr())) return nd::Axes(nb::cast<std::vector<int>>(axis));
  return nd::Axes(nb::cast<int>(axis));
}

nd::Shape shape_of(nb::handle shape) {
  if (PyLong_Check(shape.ptr())) return {nb::cast<int64_t>(shape)};
  return nb::cast<nd::Shape>(shape);
}

// An index key (an int, slice, None, Ellipsis, array or tuple of them) as index entries.
void add_index(std::vector<nd::Index>& out, nb::handle k) {
  PyObject* o = k.ptr();
  if (PyLong_Check(o) && !PyBool_Check(o)) {
    out.emplace_back(nb::cast<int64_t>(k));
  } else if (PySlice_Check(o)) {
    auto part = [](PyObject* v) -> std::optional<int64_t> {
      if (v == Py_None) return std::nullopt;
      if (PyLong_CheckExact(v)) return nb::cast<int64_t>(nb::handle(v));
      return nb::cast<int64_t>(nb::steal(PyNumber_Index(v)));  // NumPy integers
    };
    const auto* sl = reinterpret_cast<const PySliceObject*>(o);
    out.emplace_back(nd::Slice{part(sl->start), part(sl->stop), part(sl->step)});
  } else if (k.is_none()) {
    out.emplace_back(nd::newaxis);
  } else if (o == Py_Ellipsis) {
    out.emplace_back(nd::ellipsis);
  } else if (nb::isinstance<Array>(k)) {
    out.emplace_back(nb::cast<const Array&>(k));
  } else if (!PyBool_Check(o) && PyIndex_Check(o)) {  // NumPy integers
    out.emplace_back(nb::cast<int64_t>(nb::steal(PyNumber_Index(o))));
  } else {  // lists, bools, NumPy arrays: an index array
    out.emplace_back(nb::cast<Array>(g_asarray(k)));
  }
}

std::vector<nd::Index> index_of(nb::handle key) {
  std::vector<nd::Index> idx;
  if (PyTuple_Check(key.ptr())) {
    for (nb::handle k : nb::borrow<nb::tuple>(key)) add_index(idx, k);
  } else {
    add_index(idx, key);
  }
  return idx;
}

void set_item(const Array& a, nb::handle key, nb::handle value) {
  const std::vector<nd::Index> idx = index_of(key);
  Array v;
  if (auto n = number_of(value)) v = nd::full({}, *n, a.dtype(), a.device());
  else v = *In(value);
  bool advanced = false;
  for (const nd::Index& i : idx) advanced |= i.kind() == nd::Index::Kind::array;
  if (advanced) a.assign_at(idx, v);
  else a.index(idx).assign(v);
}

nb::tuple tuple_of(const nd::Shape& s) {
  nb::list l;
  for (int64_t v : s) l.append(v);
  return nb::tuple(l);
}

// ---- DLPack and NumPy's array interface -----------------------------------------------------

void delete_unused_capsule(PyObject* cap) {  // a capsule no consumer took
  if (PyCapsule_IsValid(cap, "dltensor")) {
    auto* t = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
    if (t && t->deleter) t->deleter(t);
  }
}

nb::object to_capsule(const Array& a) {
  DLManagedTensor* t = nd::to_dlpack(a);
  PyObject* cap = PyCapsule_New(t, "dltensor", delete_unused_capsule);
  if (!cap) {
    t->deleter(t);
    throw nb::python_error();
  }
  return nb::steal(cap);
}

// DLPack 1.0's versioned tensor (the layout the standard fixes; Debian's dlpack.h predates it): a
// consumer that asks with max_version >= (1, 0) gets it, with the read-only flag set for
// read-only views, so NumPy's from_dlpack gives a writable view where it may.
struct DLManagedTensorVersioned {
  uint32_t major, minor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
};
constexpr uint64_t kDLReadOnly = 1;

void delete_unused_versioned(PyObject* cap) {
  if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
    auto* t = static_cast<DLManagedTensorVersioned*>(PyCapsule_GetPointer(cap, "dltensor_versioned"));
    if (t && t->deleter) t->deleter(t);
  }
}

nb::object to_versioned_capsule(const Array& a) {
  DLManagedTensor* legacy = nd::to_dlpack(a);
  auto* t = new DLManagedTensorVersioned{1, 0, legacy, nullptr, a.is_readonly() ? kDLReadOnly : 0, legacy->dl_tensor};
  t->deleter = [](DLManagedTensorVersioned* self) {
    auto* inner = static_cast<DLManagedTensor*>(self->manager_ctx);
    inner->deleter(inner);
    delete self;
  };
  PyObject* cap = PyCapsule_New(t, "dltensor_versioned", delete_unused_versioned);
  if (!cap) {
    t->deleter(t);
    throw nb::python_error();
  }
  return nb::steal(cap);
}

Array from_capsule(nb::handle cap) {
  auto* t = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), "dltensor"));
  if (!t) throw nb::python_error();
  Array a = nd::from_dlpack(t);  // owns t from here
  PyCapsule_SetName(cap.ptr(), "used_dltensor");
  return a;
}

std::string typestr(nd::DType t) {
#define ND_PY_TYPESTR(e, type, name, kind, math, npy, ...) \
  case nd::DType::e: return std::string(sizeof(type) == 1 ? "|" : "<") + npy;
  switch (t) { ND_DTYPE_TABLE(ND_PY_TYPESTR, ) }
#undef ND_PY_TYPESTR
  return "";
}

nb::dict array_interface(const Array& a) {
  if (!a.device().is_cpu() || a.dtype() == nd::bfloat16)  // NumPy then asks __array__
    throw nb::attribute_error("__array_interface__ is only for CPU arrays of NumPy's dtypes");
  nb::dict d;
  d["version"] = 3;
  d["shape"] = tuple_of(a.shape());
  d["typestr"] = typestr(a.dtype());
  d["data"] = nb::make_tuple(reinterpret_cast<uintptr_t>(a.size() ? a.data_ptr() : nullptr), a.is_readonly());
  nd::Shape bytes;
  for (int64_t s : a.strides()) bytes.push_back(s * a.itemsize());
  d["strides"] = tuple_of(bytes);
  return d;
}

void translate(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const nd::IndexError& e) {  // AxisError included, as NumPy's AxisError is one
    PyErr_SetString(PyExc_IndexError, e.what());
  } catch (const nd::TypeError& e) {
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const nd::OutOfMemory& e) {
    PyErr_SetString(PyExc_MemoryError, e.what());
  } catch (const nd::IOError& e) {
    PyErr_SetString(PyExc_OSError, e.what());
  } catch (const nd::ValueError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const nd::Error& e) {  // DeviceError and the rest
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
}

}  // namespace

NB_MODULE(_core, m) {
  nb::register_exception_translator(translate);
  m.def("_set_converters", [](nb::object asarray, nb::object name_of) {
    g_asarray = std::move(asarray);
    g_name_of = std::move(name_of);
  });
  // (released before the interpreter finalises: a Python object outliving it would crash there)
  nb::module_::import_("atexit").attr("register")(nb::cpp_function([] {
    g_asarray = nb::object();
    g_name_of = nb::object();
  }));

  auto cls = nb::class_<Array>(m, "ndarray");
  cls.def_prop_ro("shape", [](const Array& a) { return tuple_of(a.shape()); })
      .def_prop_ro("strides", [](const Array& a) {  // in bytes, as NumPy's
        nd::Shape b;
        for (int64_t s : a.strides()) b.push_back(s * a.itemsize());
        return tuple_of(b);
      })
      .def_prop_ro("ndim", &Array::ndim)
      .def_prop_ro("size", &Array::size)
      .def_prop_ro("nbytes", &Array::nbytes)
      .def_prop_ro("itemsize", &Array::itemsize)
      .def_prop_ro("_dtype_name", [](const Array& a) { return std::string(nd::dtype_name(a.dtype())); })
      .def_prop_ro("device", [](const Array& a) { return a.device().str(); })
      .def_prop_ro("T", &Array::T)
      .def_prop_ro("mT", [](const Array& a) {
        if (a.ndim() < 2) throw nd::ValueError("mT requires an array of at least 2 dimensions");
        return a.swapaxes(-1, -2);
      })
      .def_prop_ro("__array_interface__", array_interface)
      .def("__len__", [](const Array& a) {
        if (a.ndim() == 0) throw nd::TypeError("len() of unsized object");
        return a.shape()[0];
      })
      .def("__repr__", [](const Array& a) { return nd::repr(a); })
      .def("__str__", [](const Array& a) { return nd::to_string(a); })
      .def("__getitem__", [](const Array& a, nb::handle key) { return a.index(index_of(key)); })
      .def("__setitem__", set_item)
      .def("__dlpack__", [](const Array& a, nb::handle stream, nb::handle max_version, nb::handle dl_device, nb::handle copy) {
        if (!copy.is_none() && nb::cast<bool>(copy)) throw nb::buffer_error("ndgpu exports its arrays without copies only");
        const bool versioned = !max_version.is_none() && nb::cast<int>(max_version[0]) >= 1;
        return versioned ? to_versioned_capsule(a) : to_capsule(a);
      }, nb::kw_only(), nb::arg("stream") = nb::none(), nb::arg("max_version") = nb::none(),
         nb::arg("dl_device") = nb::none(), nb::arg("copy") = nb::none())
      .def("__dlpack_device__", [](const Array& a) {
        return nb::make_tuple(a.device().is_cpu() ? int(kDLCPU) : int(kDLCUDA), a.device().is_cpu() ? 0 : a.device().index);
      })
      .def("_item_float", [](const Array& a) { return a.item<double>(); })
      .def("_item_int", [](const Array& a) { return a.item<int64_t>(); })
      .def("_item_bool", [](const Array& a) { return a.item<bool>(); })
      .def("_to_list_float", [](const Array& a) { return a.to_vector<double>(); })
      .def("_to_list_int", [](const Array& a) { return a.to_vector<int64_t>(); })
      .def("_to_list_bool", [](const Array& a) { return a.to_vector<bool>(); })
      .def("copy", &Array::copy)
      .def("astype", [](const Array& a, nb::handle t, bool) { return a.astype(dtype_or(t, nd::float64)); }, nb::arg("dtype"), nb::arg("copy") = true)
      .def("_to", [](const Array& a, const std::string& d) { return a.to(nd::parse_device(d)); })
      .def("_reshape", [](const Array& a, const nd::Shape& s) { return a.reshape(s); })
      .def("flatten", &Array::flatten)
      .def("ravel", &Array::ravel)
      .def("_transpose", [](const Array& a, const std::vector<int>& perm) { return perm.empty() ? a.T() : a.transpose(perm); })
      .def("swapaxes", &Array::swapaxes)
      .def("squeeze", [](const Array& a, std::optional<int> axis) { return axis ? a.squeeze(*axis) : a.squeeze(); },
           nb::arg("axis") = nb::none())
      .def("is_contiguous", &Array::is_contiguous);

  // Reductions, as methods and functions: x.sum(axis=1, keepdims=True), ndgpu.sum(x, 1).
#define ND_PY_REDUCE(name)                                                                        \
  cls.def(#name, [](const Array& a, nb::handle axis, bool keepdims) { return nd::name(a, axes_of(axis), keepdims); }, \
          nb::arg("axis") = nb::none(), nb::arg("keepdims") = false);                             \
  m.def(#name, [](nb::handle x, nb::handle axis, bool keepdims) { return nd::name(*In(x), axes_of(axis), keepdims); }, \
        nb::arg("x"), nb::arg("axis") = nb::none(), nb::arg("keepdims") = false);
  ND_PY_REDUCE(sum) ND_PY_REDUCE(prod) ND_PY_REDUCE(mean) ND_PY_REDUCE(max) ND_PY_REDUCE(min)
  ND_PY_REDUCE(any) ND_PY_REDUCE(all)
#undef ND_PY_REDUCE
#define ND_PY_MOMENT(name)                                                                         \
  cls.def(#name, [](const Array& a, nb::handle axis, bool keepdims, int64_t ddof) { return nd::name(a, axes_of(axis), keepdims, ddof); }, \
          nb::arg("axis") = nb::none(), nb::arg("keepdims") = false, nb::arg("ddof") = 0);         \
  m.def(#name, [](nb::handle x, nb::handle axis, bool keepdims, int64_t ddof) { return nd::name(*In(x), axes_of(axis), keepdims, ddof); }, \
        nb::arg("x"), nb::arg("axis") = nb::none(), nb::arg("keepdims") = false, nb::arg("ddof") = 0);
  ND_PY_MOMENT(var) ND_PY_MOMENT(std)
#undef ND_PY_MOMENT
#define ND_PY_ARG(name)                                                                           \
  cls.def(#name, [](const Array& a, std::optional<int> axis, bool keepdims) { return nd::name(a, axis, keepdims); }, \
          nb::arg("axis") = nb::none(), nb::arg("keepdims") = false);                             \
  m.def(#name, [](nb::handle x, std::optional<int> axis, bool keepdims) { return nd::name(*In(x), axis, keepdims); }, \
        nb::arg("x"), nb::arg("axis") = nb::none(), nb::arg("keepdims") = false);
  ND_PY_ARG(argmax) ND_PY_ARG(argmin)
#undef ND_PY_ARG

  // Elementwise functions, from the op table: unary f(x), binary f(x, y) with either a number.
#define ND_PY_UNARY(name, ...) m.def(#name, [](nb::handle x) { return nd::name(*In(x)); });
  ND_UNARY_OPS(ND_PY_UNARY)
#undef ND_PY_UNARY
#define ND_PY_BINARY(name, ...) \
  m.def(#name, [](nb::handle x, nb::handle y) { return binary([](auto&& a, auto&& b) { return nd::name(a, b); }, x, y); });
  ND_BINARY_OPS(ND_PY_BINARY)
#undef ND_PY_BINARY
  // Operators, reflected forms included (x + 1, 1 + x, x @ y).
#define ND_PY_OPERATOR(pyname, rpyname, name)                                                               \
  cls.def(pyname, [](nb::handle x, nb::handle y) { return binary([](auto&& a, auto&& b) { return name(a, b); }, x, y); }); \
  cls.def(rpyname, [](nb::handle x, nb::handle y) { return binary([](auto&& a, auto&& b) { return name(a, b); }, y, x); });
  ND_PY_OPERATOR("__add__", "__radd__", nd::add) ND_PY_OPERATOR("__sub__", "__rsub__", nd::subtract)
  ND_PY_OPERATOR("__mul__", "__rmul__", nd::multiply) ND_PY_OPERATOR("__truediv__", "__rtruediv__", nd::divide)
  ND_PY_OPERATOR("__floordiv__", "__rfloordiv__", nd::floor_divide) ND_PY_OPERATOR("__mod__", "__rmod__", nd::mod)
  ND_PY_OPERATOR("__pow__", "__rpow__", nd::power)
  ND_PY_OPERATOR("__and__", "__rand__", nd::bitwise_and) ND_PY_OPERATOR("__or__", "__ror__", nd::bitwise_or)
  ND_PY_OPERATOR("__xor__", "__rxor__", nd::bitwise_xor) ND_PY_OPERATOR("__lshift__", "__rlshift__", nd::left_shift)
  ND_PY_OPERATOR("__rshift__", "__rrshift__", nd::right_shift)
#undef ND_PY_OPERATOR
  // (Python mirrors comparisons itself: 1 < x calls x.__gt__(1))
#define ND_PY_COMPARE(pyname, name) \
  cls.def(pyname, [](nb::handle x, nb::handle y) { return binary([](auto&& a, auto&& b) { return nd::name(a, b); }, x, y); });
  ND_PY_COMPARE("__eq__", equal) ND_PY_COMPARE("__ne__", not_equal) ND_PY_COMPARE("__lt__", less)
  ND_PY_COMPARE("__le__", less_equal) ND_PY_COMPARE("__gt__", greater) ND_PY_COMPARE("__ge__", greater_equal)
#undef ND_PY_COMPARE
  cls.def("__invert__", [](const Array& a) { return nd::invert(a); });
  cls.def("__neg__", [](const Array& a) { return nd::negative(a); });
  cls.def("__pos__", [](const Array& a) { return a.copy(); });
  cls.def("__abs__", [](const Array& a) { return nd::absolute(a); });
  cls.def("__matmul__", [](const Array& a, nb::handle b) { return nd::matmul(a, *In(b)); });
  cls.def("__rmatmul__", [](const Array& a, nb::handle b) { return nd::matmul(*In(b), a); });
  cls.attr("__hash__") = nb::none();

  // In place (x += y): written into x itself, through views.
#define ND_PY_INPLACE(pyname, op)                                        \
  cls.def(pyname, [](nb::handle self, nb::handle y) {                    \
    const Array& a = nb::cast<const Array&>(self);                        \
    if (auto n = number_of(y)) a op *n;                                   \
    else a op *In(y);                                                     \
    return nb::borrow(self);                                              \
  });
  ND_PY_INPLACE("__iadd__", +=) ND_PY_INPLACE("__isub__", -=) ND_PY_INPLACE("__imul__", *=)
  ND_PY_INPLACE("__itruediv__", /=) ND_PY_INPLACE("__imod__", %=) ND_PY_INPLACE("__iand__", &=)
  ND_PY_INPLACE("__ior__", |=) ND_PY_INPLACE("__ixor__", ^=) ND_PY_INPLACE("__ilshift__", <<=)
  ND_PY_INPLACE("__irshift__", >>=)
#undef ND_PY_INPLACE

  m.def("where", [](nb::handle c, nb::handle a, nb::handle b) {
    return nd::where(*In(c), InOrNumber(a).get(), InOrNumber(b).get());
  });
  m.def("clip", [](nb::handle x, nb::handle lo, nb::handle hi) {
    return nd::clip(*In(x), InOrNumber(lo).get(), InOrNumber(hi).get());
  });

  // Creation (dtype and device by name; None: the C++ default).
  m.def("zeros", [](nb::handle s, nb::handle t, std::optional<std::string> d) {
    return nd::zeros(shape_of(s), dtype_or(t, nd::float32), opt_device(d));
  }, nb::arg("shape"), nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none());
  m.def("ones", [](nb::handle s, nb::handle t, std::optional<std::string> d) {
    return nd::ones(shape_of(s), dtype_or(t, nd::float32), opt_device(d));
  }, nb::arg("shape"), nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none());
  m.def("empty", [](nb::handle s, nb::handle t, std::optional<std::string> d) {
    return nd::empty(shape_of(s), dtype_or(t, nd::float32), opt_device(d));
  }, nb::arg("shape"), nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none());
  m.def("full", [](nb::handle s, nb::handle v, nb::handle t, std::optional<std::string> d) {
    const auto n = number_of(v);
    if (!n) throw nd::TypeError("full: fill_value must be a Python bool, int or float");
    return nd::full(shape_of(s), *n, opt_dtype(t), opt_device(d));
  }, nb::arg("shape"), nb::arg("fill_value"), nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none());
  m.def("eye", [](int64_t n, std::optional<int64_t> mm, int64_t k, nb::handle t, std::optional<std::string> d) {
    return nd::eye(n, mm, k, dtype_or(t, nd::float32), opt_device(d));
  }, nb::arg("N"), nb::arg("M") = nb::none(), nb::arg("k") = 0, nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none());
  m.def("arange", [](nb::handle start, nb::handle stop, nb::handle step, nb::handle t, std::optional<std::string> d) {
    auto num = [](nb::handle h) {
      const auto n = number_of(h);
      if (!n) throw nd::TypeError("arange: start, stop and step must be Python numbers");
      return *n;
    };
    if (stop.is_none()) return nd::arange(num(start), opt_dtype(t), opt_device(d));
    return nd::arange(num(start), num(stop), step.is_none() ? nd::Number(1) : num(step), opt_dtype(t), opt_device(d));
  }, nb::arg("start"), nb::arg("stop") = nb::none(), nb::arg("step") = nb::none(), nb::arg("dtype") = nb::none(),
     nb::arg("device") = nb::none());
  m.def("linspace", [](double start, double stop, int64_t num, bool endpoint, nb::handle t, std::optional<std::string> d) {
    return nd::linspace(start, stop, num, endpoint, dtype_or(t, nd::float32), opt_device(d));
  }, nb::arg("start"), nb::arg("stop"), nb::arg("num") = 50, nb::arg("endpoint") = true, nb::arg("dtype") = nb::none(),
     nb::arg("device") = nb::none());

  // Random numbers (Philox: the same bits on CPU and CUDA for one seed).
  m.def("_seed", &nd::random::seed);
  m.def("_rand", [](const nd::Shape& s, const std::string& t, std::optional<std::string> d) { return nd::random::rand(s, dtype_named(t), opt_device(d)); },
        nb::arg("shape"), nb::arg("dtype"), nb::arg("device").none());
  m.def("_randn", [](const nd::Shape& s, const std::string& t, std::optional<std::string> d) { return nd::random::randn(s, dtype_named(t), opt_device(d)); },
        nb::arg("shape"), nb::arg("dtype"), nb::arg("device").none());
  m.def("_uniform", [](double lo, double hi, const nd::Shape& s, const std::string& t, std::optional<std::string> d) {
    return nd::random::uniform(lo, hi, s, dtype_named(t), opt_device(d));
  }, nb::arg("low"), nb::arg("high"), nb::arg("shape"), nb::arg("dtype"), nb::arg("device").none());
  m.def("_normal", [](double mu, double sd, const nd::Shape& s, const std::string& t, std::optional<std::string> d) {
    return nd::random::normal(mu, sd, s, dtype_named(t), opt_device(d));
  }, nb::arg("loc"), nb::arg("scale"), nb::arg("shape"), nb::arg("dtype"), nb::arg("device").none());
  m.def("_integers", [](int64_t lo, int64_t hi, const nd::Shape& s, const std::string& t, std::optional<std::string> d) {
    return nd::random::integers(lo, hi, s, dtype_named(t), opt_device(d));
  }, nb::arg("low"), nb::arg("high"), nb::arg("shape"), nb::arg("dtype"), nb::arg("device").none());

  // Linear algebra, shapes and joins.
  m.def("matmul", [](nb::handle a, nb::handle b) { return nd::matmul(*In(a), *In(b)); });
  m.def("dot", [](nb::handle a, nb::handle b) { return nd::dot(*In(a), *In(b)); });
  m.def("outer", [](nb::handle a, nb::handle b) { return nd::outer(*In(a), *In(b)); });
  m.def("_norm", [](nb::handle x, std::optional<double> ord, nb::handle axis, bool keepdims) {
    return ord ? nd::linalg::norm(*In(x), nd::linalg::Ord{*ord}, axes_of(axis), keepdims)
               : nd::linalg::norm(*In(x), axes_of(axis), keepdims);
  }, nb::arg("x"), nb::arg("ord").none(), nb::arg("axis").none(), nb::arg("keepdims"));
  m.def("concatenate", [](const std::vector<Array>& xs, int axis) { return nd::concatenate(xs, axis); },
        nb::arg("arrays"), nb::arg("axis") = 0);
  m.def("stack", [](const std::vector<Array>& xs, int axis) { return nd::stack(xs, axis); },
        nb::arg("arrays"), nb::arg("axis") = 0);
  m.def("nonzero", [](nb::handle x) { return nd::nonzero(*In(x)); });
  m.def("expand_dims", [](nb::handle x, int axis) { return nd::expand_dims(*In(x), axis); });
  m.def("broadcast_to", [](nb::handle x, nb::handle s) { return nd::broadcast_to(*In(x), shape_of(s)); });

  // ndgpu's own: row ops, search, clustering, attention.
  m.def("softmax", [](nb::handle x, int axis) { return nd::softmax(*In(x), axis); }, nb::arg("x"), nb::arg("axis") = -1);
  m.def("log_softmax", [](nb::handle x, int axis) { return nd::log_softmax(*In(x), axis); }, nb::arg("x"), nb::arg("axis") = -1);
  m.def("normalize", [](nb::handle x, int axis, double eps) { return nd::normalize(*In(x), axis, eps); },
        nb::arg("x"), nb::arg("axis") = -1, nb::arg("eps") = 1e-12);
  m.def("standardize", [](nb::handle x, int axis, double eps) { return nd::standardize(*In(x), axis, eps); },
        nb::arg("x"), nb::arg("axis") = -1, nb::arg("eps") = 0.0);
  m.def("cosine_similarity", [](nb::handle a, nb::handle b, double eps) { return nd::cosine_similarity(*In(a), *In(b), eps); },
        nb::arg("a"), nb::arg("b"), nb::arg("eps") = 1e-8);
  m.def("cdist", [](nb::handle a, nb::handle b) { return nd::cdist(*In(a), *In(b)); });
  m.def("topk", [](nb::handle x, int64_t k, int axis, bool largest, bool sorted) {
    return nd::topk(*In(x), k, axis, largest, sorted);
  }, nb::arg("x"), nb::arg("k"), nb::arg("axis") = -1, nb::arg("largest") = true, nb::arg("sorted") = true);
  m.def("nearest", [](nb::handle q, nb::handle corpus, int64_t k, const std::string& metric) {
    const nd::Metric mt = metric == "cosine" ? nd::Metric::cosine : metric == "dot" ? nd::Metric::dot
                        : metric == "l2"     ? nd::Metric::l2
                                             : throw nd::ValueError("nearest: metric must be 'cosine', 'dot' or 'l2', not '" + metric + "'");
    const nd::NearestResult r = nd::nearest(*In(q), *In(corpus), k, mt);
    return std::make_pair(r.indices, r.scores);
  }, nb::arg("queries"), nb::arg("corpus"), nb::arg("k"), nb::arg("metric") = "cosine");
  m.def("attention", [](nb::handle q, nb::handle k, nb::handle v, bool causal) { return nd::attention(*In(q), *In(k), *In(v), causal); },
        nb::arg("q"), nb::arg("k"), nb::arg("v"), nb::arg("causal") = false);
  m.def("_kmeans", [](nb::handle x, int64_t k, int iters, uint64_t seed) {
    const nd::KMeansResult r = nd::kmeans(*In(x), k, nd::KMeansOptions{iters, seed});
    return nb::make_tuple(r.centroids, r.labels, r.iterations, r.inertia);
  });

  // Files and interchange.
  m.def("save", [](const std::string& path, nb::handle x) { nd::save(path, *In(x)); });
  m.def("load", [](const std::string& path, std::optional<std::string> d) { return nd::load(path, opt_device(d)); },
        nb::arg("path"), nb::arg("device") = nb::none());
  m.def("_from_capsule", from_capsule);
  m.def("synchronize", [](const std::string& d) { nd::synchronize(nd::parse_device(d)); }, nb::arg("device") = "cpu");
  m.def("device_available", [](const std::string& d) { return nd::device_available(nd::parse_device(d)); });
}
