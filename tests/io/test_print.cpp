// Printing: nd::to_string / nd::repr against NumPy's transcript (tests/golden/print_cases.txt,
// made by tests/golden/make_print_cases.py), plus a few hand-checked cases.
#include <cstring>
#include <fstream>
#include <sstream>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

struct PrintCase {
  std::string name, dtype, view, str, repr;
  Shape shape;
  std::vector<std::string> data;  // element bits (hex) for floats, decimal for ints, 0/1 for bool
  bool arange = false;
};

std::vector<PrintCase> load_cases() {
  std::ifstream in(std::string(NDGPU_TEST_DATA) + "/print_cases.txt");
  std::vector<PrintCase> cases;
  std::string line;
  PrintCase c;
  std::string* text = nullptr;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '|') {
      if (!text->empty()) *text += "\n";
      *text += line.substr(1);
      continue;
    }
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "case") { c = PrintCase{}; words >> c.name; }
    else if (key == "dtype") words >> c.dtype;
    else if (key == "view") words >> c.view;
    else if (key == "shape") { int64_t d; while (words >> d) c.shape.push_back(d); }
    else if (key == "data") {
      std::string w;
      while (words >> w) c.data.push_back(w);
      c.arange = c.data.size() == 1 && c.data[0] == "arange";
    }
    else if (key == "str") text = &c.str;
    else if (key == "repr") text = &c.repr;
    else if (key == "end") cases.push_back(c);
  }
  return cases;
}

template <class T, class Bits>
std::vector<T> from_bits(const std::vector<std::string>& data) {
  std::vector<T> v;
  for (const std::string& w : data) {
    Bits b = static_cast<Bits>(std::stoull(w, nullptr, 16));
    T x;
    std::memcpy(&x, &b, sizeof x);
    v.push_back(x);
  }
  return v;
}

Array build(const PrintCase& c, Device dev) {
  const int64_t n = checked_numel(c.shape);
  if (c.arange) {
    DType t = c.dtype == "float32" ? float32 : c.dtype == "float64" ? float64
              : c.dtype == "int32" ? int32 : int64;
    return arange(0, n, 1, t, dev).reshape(c.shape);
  }
  if (c.dtype == "float32") return array(from_bits<float, uint32_t>(c.data), c.shape, float32, dev);
  if (c.dtype == "float64") return array(from_bits<double, uint64_t>(c.data), c.shape, float64, dev);
  if (c.dtype == "bool") {
    std::vector<bool> v;
    for (const std::string& w : c.data) v.push_back(w == "1");
    return array(v, c.shape, {}, dev);
  }
  std::vector<int64_t> v;
  for (const std::string& w : c.data) v.push_back(std::stoll(w));
  return array(v, c.shape, c.dtype == "int32" ? OptDType(int32) : OptDType(int64), dev);
}

Array apply_view(const Array& a, const std::string& view) {
  if (view == "T") return a.T();
  std::vector<Index> idx;
  for (int d = 0; d < a.ndim(); ++d)
    idx.push_back(view == "rev" ? slice(_, _, -1) : slice(_, _, 2));
  return view.empty() ? a : a.index(idx);
}

}  // namespace

class Print : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Print);

TEST_P(Print, MatchesNumpyTranscript) {
  const std::vector<PrintCase> cases = load_cases();
  ASSERT_GE(cases.size(), 200u) << "golden file missing or truncated";
  for (const PrintCase& c : cases) {
    SCOPED_TRACE("case " + c.name);
    Array a = apply_view(build(c, device()), c.view);
    EXPECT_EQ(to_string(a), c.str);
    EXPECT_EQ(repr(a), c.repr);
  }
}

TEST_P(Print, StreamOperatorAndDefaultDtypes) {
  std::ostringstream os;
  os << array({{1.0, 2.0}, {3.0, 4.5}}, {}, device());
  EXPECT_EQ(os.str(), "[[1.  2. ]\n [3.  4.5]]");
  EXPECT_EQ(repr(array({1.0, 2.0}, {}, device())), "array([1., 2.], dtype=float32)");
  EXPECT_EQ(repr(array({1, 2}, {}, device())), "array([1, 2])");
  EXPECT_EQ(repr(zeros({2}, float64, device())), "array([0., 0.])");
  EXPECT_EQ(to_string(array({true, false}, {}, device())), "[ True False]");
}

TEST(PrintErrors, UndefinedArrayIsValueError) {
  EXPECT_THROW(to_string(Array()), ValueError);
  EXPECT_THROW(repr(Array()), ValueError);
}

// A summarised view with negative and gapped strides: only the corners reach the host.
TEST_P(Print, SummarisedStridedView) {
  Array a = arange(0, 3000, 1, float32, device()).reshape({30, 100})(slice(_, _, -1), slice(_, _, 2)) / 7;
  EXPECT_EQ(to_string(a),
            "[[4.1428571e+02 4.1457144e+02 4.1485715e+02 ... 4.2771429e+02\n  4.2800000e+02 4.2828571e+02]\n"
            " [4.0000000e+02 4.0028571e+02 4.0057144e+02 ... 4.1342856e+02\n  4.1371429e+02 4.1400000e+02]\n"
            " [3.8571429e+02 3.8600000e+02 3.8628571e+02 ... 3.9914285e+02\n  3.9942856e+02 3.9971429e+02]\n"
            " ...\n"
            " [2.8571428e+01 2.8857143e+01 2.9142857e+01 ... 4.2000000e+01\n  4.2285713e+01 4.2571430e+01]\n"
            " [1.4285714e+01 1.4571428e+01 1.4857142e+01 ... 2.7714285e+01\n  2.8000000e+01 2.8285715e+01]\n"
            " [0.0000000e+00 2.8571430e-01 5.7142860e-01 ... 1.3428572e+01\n  1.3714286e+01 1.4000000e+01]]");
  Array v = a(slice(_, _, 2));  // a view of a view
  EXPECT_EQ(to_string(v), to_string(v.copy()));
  EXPECT_EQ(repr(v), repr(v.copy()));
}
