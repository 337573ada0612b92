// Advanced indexing (integer arrays, boolean masks, mixed with integers/slices/None/...):
// NumPy's transcript tests/golden/index_cases.txt (make_index_cases.py) for reads and writes,
// plus hand-written cases for nonzero, dtypes and read-only destinations.
#include <fstream>
#include <sstream>

#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

namespace {

struct IndexCase {
  std::string name;
  Shape shape;
  std::vector<std::string> entries;  // one text line per index entry
  std::string outcome;               // the get/set/error line
};

std::vector<IndexCase> load_index_cases() {
  std::ifstream in(std::string(NDGPU_TEST_DATA) + "/index_cases.txt");
  std::vector<IndexCase> cases;
  IndexCase c;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream w(line);
    std::string key;
    w >> key;
    if (key == "case") { c = IndexCase{}; w >> c.name; }
    else if (key == "shape") { int64_t d; while (w >> d) c.shape.push_back(d); }
    else if (key == "get" || key == "set" || key == "error") c.outcome = line;
    else if (key == "end") cases.push_back(c);
    else c.entries.push_back(line);
  }
  return cases;
}

Index parse_entry(const std::string& text, Device dev) {
  std::istringstream w(text);
  std::string k;
  w >> k;
  if (k == "i") { int64_t v; w >> v; return Index(v); }
  if (k == "n") return Index(newaxis);
  if (k == "e") return Index(ellipsis);
  if (k == "s") {
    Slice s;
    std::optional<int64_t>* parts[3] = {&s.start, &s.stop, &s.step};
    for (auto* p : parts) {
      std::string t;
      w >> t;
      if (t != "_") *p = std::stoll(t);
    }
    return Index(s);
  }
  int nd;
  w >> nd;
  Shape shape(nd);
  for (auto& d : shape) w >> d;
  std::vector<int64_t> v;
  int64_t x;
  while (w >> x) v.push_back(x);
  if (k == "m") {
    std::vector<bool> b(v.begin(), v.end());
    return Index(array(b, shape, {}, dev));
  }
  return Index(array(v, shape, int64, dev));
}

// "A | B" -> numbers of A and B.
void split_bar(const std::string& s, std::vector<int64_t>& before, std::vector<int64_t>& after,
               std::string* rest = nullptr) {
  const size_t bar = s.find('|');
  std::istringstream a(s.substr(s.find(' ') + 1, bar - s.find(' ') - 1)), b(s.substr(bar + 1));
  int64_t x;
  while (a >> x) before.push_back(x);
  if (rest) *rest = s.substr(bar + 1);
  while (b >> x) after.push_back(x);
}

// Checks that `f` throws the class and message of an "error CLASS | MESSAGE" text.
template <class F>
void expect_numpy_error(const std::string& error_text, F&& f) {
  const size_t bar = error_text.find(" | ");
  const std::string cls = error_text.substr(error_text.find("error ") + 6, bar - error_text.find("error ") - 6);
  const std::string msg = error_text.substr(bar + 3);
  try {
    f();
    ADD_FAILURE() << "expected " << cls << ": " << msg;
  } catch (const IndexError& e) {
    EXPECT_EQ(cls, "IndexError") << e.what();
    EXPECT_EQ(std::string(e.what()), msg);
  } catch (const ValueError& e) {
    EXPECT_EQ(cls, "ValueError") << e.what();
    EXPECT_EQ(std::string(e.what()), msg);
  } catch (const TypeError& e) {
    EXPECT_EQ(cls, "TypeError") << e.what();
    EXPECT_EQ(std::string(e.what()), msg);
  }
}

}  // namespace

void check_case(const IndexCase& c, const Array& a, const std::vector<Index>& idx, Device dev);

class AdvancedIndex : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(AdvancedIndex);

TEST_P(AdvancedIndex, MatchesNumpyTranscript) {
  const std::vector<IndexCase> cases = load_index_cases();
  ASSERT_GE(cases.size(), 600u) << "golden file missing or truncated";
  for (const IndexCase& c : cases) {
    SCOPED_TRACE("case " + c.name + ": " + c.outcome.substr(0, 120));
    const Array a = arange(0, checked_numel(c.shape), 1, int64, device()).reshape(c.shape);
    std::vector<Index> idx;
    for (const std::string& e : c.entries) idx.push_back(parse_entry(e, device()));
    if (c.outcome.rfind("error", 0) == 0) {
      expect_numpy_error(c.outcome, [&] { a.index(idx); });
      continue;
    }
    try {
      check_case(c, a, idx, device());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected exception: " << e.what();
    }
  }
}

void check_case(const IndexCase& c, const Array& a, const std::vector<Index>& idx, Device dev) {
  {
    std::vector<int64_t> shape, values;
    std::string rest;
    split_bar(c.outcome, shape, values, &rest);
    if (c.outcome.rfind("get", 0) == 0) {
      EXPECT_TRUE(array_equals<int64_t>(a.index(idx), values, shape));
      return;
    }
    Array value = arange(-1, -checked_numel(shape) - 1, -1, int64, dev).reshape(shape);
    Array before = a.copy();
    if (rest.find("error") != std::string::npos) {
      expect_numpy_error(rest, [&] { a.assign_at(idx, value); });
      EXPECT_EQ(a.to_vector<int64_t>(), before.to_vector<int64_t>()) << "failed write changed the array";
      return;
    }
    a.assign_at(idx, value);
    EXPECT_TRUE(array_equals<int64_t>(a, values, c.shape));
  }
}

TEST_P(AdvancedIndex, GatherIsACopyInEveryDtype) {
  for (DType t : {bool_, int32, int64, float32, float64}) {
    Array a = arange(0, 6, 1, t, device());
    Array g = a[array({4, 0, -1}, int64, device())];
    EXPECT_EQ(g.dtype(), t);
    EXPECT_EQ(g.to_vector<double>(), (std::vector<double>{a.to_vector<double>()[4], a.to_vector<double>()[0],
                                                          a.to_vector<double>()[5]}));
    EXPECT_NE(g.storage(), a.storage());
  }
  Array m = array({{1.5, -2.0}, {3.0, -4.0}}, float64, device());
  Array pos = m[m.astype(bool_)];  // every non-zero
  EXPECT_TRUE(array_equals<double>(pos, {1.5, -2.0, 3.0, -4.0}, {4}));
  Array idx32 = array({1, 0}, int32, device());
  EXPECT_TRUE(array_equals<double>(m(idx32, 1), {-4.0, -2.0}, {2}));
}

TEST_P(AdvancedIndex, ScatterCastsBroadcastsAndRespectsReadOnly) {
  Array a = zeros({2, 3}, float32, device());
  a.assign_at({array({1, 0}, int64, device())}, array({7, 8, 9}, int64, device()));  // int -> float
  EXPECT_TRUE(array_equals<float>(a, {7, 8, 9, 7, 8, 9}, {2, 3}));
  Array mask = array({{true, false, true}, {false, false, true}}, {}, device());
  a.assign_at({mask}, scalar(-1.5, float64, device()));
  EXPECT_TRUE(array_equals<float>(a, {-1.5f, 8, -1.5f, 7, 8, -1.5f}, {2, 3}));
  Array view = a(all, slice(_, _, -1));  // scatter through a negative-stride view
  view.assign_at({0, array({0}, int64, device())}, scalar(5.0, float32, device()));
  EXPECT_TRUE(array_equals<float>(a, {-1.5f, 8, 5, 7, 8, -1.5f}, {2, 3}));
  Array ro = a.broadcast_to({4, 2, 3});
  EXPECT_THROW(ro.assign_at({array({0}, int64, device())}, scalar(1.0)), ValueError);
  EXPECT_THROW(a[array({0.5}, float32, device())], IndexError);
}

TEST_P(AdvancedIndex, Nonzero) {
  auto nz = nonzero(array({{0, 1}, {2, 0}}, {}, device()));
  ASSERT_EQ(nz.size(), 2u);
  EXPECT_TRUE(array_equals<int64_t>(nz[0], {0, 1}, {2}));
  EXPECT_TRUE(array_equals<int64_t>(nz[1], {1, 0}, {2}));
  EXPECT_EQ(nz[0].device(), device());
  auto none = nonzero(zeros({3, 0}, float32, device()));
  EXPECT_EQ(none[0].shape(), Shape{0});
  auto flt = nonzero(array({0.0, -0.0, 2.5, double(NAN)}, float64, device()));
  EXPECT_TRUE(array_equals<int64_t>(flt[0], {2, 3}, {2}));
  try {
    nonzero(scalar(3));
    ADD_FAILURE() << "nonzero of 0-d should throw";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.");
  }
}
