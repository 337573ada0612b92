// Basic indexing and NumPy index strings: the tutorial's section 3 (values and printed text),
// string/struct equivalence, negative strides, size-0 results, errors by class and message.
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"
#include "support/expect_error.hpp"

using namespace nd;

class Indexing : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(Indexing);

// The tutorial's section 3, line by line, with NumPy's values and print() text.
TEST_P(Indexing, TutorialSection3) {
  Array arr = array({10, 20, 30, 40, 50}, {}, device());
  EXPECT_EQ(arr[0].item<int64_t>(), 10);
  EXPECT_EQ(arr[-1].item<int64_t>(), 50);
  EXPECT_EQ(to_string(arr[0]), "10");
  EXPECT_TRUE(array_equals<int64_t>(arr["1:4"], {20, 30, 40}, {3}));
  EXPECT_EQ(to_string(arr["1:4"]), "[20 30 40]");
  EXPECT_EQ(to_string(arr[":3"]), "[10 20 30]");
  EXPECT_EQ(to_string(arr["::2"]), "[10 30 50]");
  EXPECT_EQ(to_string(arr(slice(1, 4))), "[20 30 40]");
  EXPECT_EQ(to_string(arr(slice(_, _, 2))), "[10 30 50]");

  Array matrix = array({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {}, device());
  EXPECT_EQ(matrix(0, 1).item<int64_t>(), 2);
  EXPECT_EQ(matrix["0, 1"].item<int64_t>(), 2);
  EXPECT_EQ(to_string(matrix[":, 1"]), "[2 5 8]");
  EXPECT_EQ(to_string(matrix["1, :"]), "[4 5 6]");
  EXPECT_EQ(to_string(matrix(all, 1)), "[2 5 8]");
  EXPECT_EQ(to_string(matrix(1, all)), "[4 5 6]");
  EXPECT_EQ(repr(matrix[":, 1"]), "array([2, 5, 8])");
}

TEST_P(Indexing, StringsGiveTheSameViewsAsIndexObjects) {
  Array m = arange(0, 24, 1, int64, device()).reshape({2, 3, 4});
  struct Pair { const char* text; std::vector<Index> idx; };
  const std::vector<Pair> pairs = {
      {"1:4", {slice(1, 4)}},
      {"::-1", {slice(_, _, -1)}},
      {":, 1", {all, 1}},
      {"1, :", {1, all}},
      {"..., None", {ellipsis, newaxis}},
      {"-1", {-1}},
      {" -1 , 2 , -3 ", {-1, 2, -3}},
      {"::2, ::-2, 1::3", {slice(_, _, 2), slice(_, _, -2), slice(1, _, 3)}},
      {"None, ..., 1", {newaxis, ellipsis, 1}},
      {"1,", {1}},
      {"-100:100", {slice(-100, 100)}},
      {"5:0:-1, :", {slice(5, 0, -1), all}},
      {"+1: -1 :", {slice(1, -1)}},
      {"...", {ellipsis}},
      {":0", {slice(_, 0)}},
  };
  for (const Pair& p : pairs) {
    SCOPED_TRACE(p.text);
    Array s = m[p.text], o = m.index(p.idx);
    EXPECT_EQ(s.shape(), o.shape());
    EXPECT_EQ(s.strides(), o.strides());
    EXPECT_EQ(s.offset(), o.offset());
    EXPECT_EQ(s.storage(), m.storage());  // a view
  }
  Array r = arange(0, 5, 1, int64, device())["::-1"];
  EXPECT_EQ(r.strides(), Shape{-1});
  EXPECT_TRUE(array_equals<int64_t>(r, {4, 3, 2, 1, 0}, {5}));
  EXPECT_TRUE(array_equals<int64_t>(r["::-1"], {0, 1, 2, 3, 4}, {5}));
  EXPECT_EQ(r["::-1"].strides(), Shape{1});
}

TEST_P(Indexing, SizeZeroAndClampingFollowPython) {
  Array a = arange(0, 6, 1, int64, device());
  EXPECT_EQ(a["4:2"].shape(), Shape{0});
  EXPECT_EQ(a["10:"].shape(), Shape{0});
  EXPECT_EQ(to_string(a["4:2"]), "[]");
  EXPECT_TRUE(array_equals<int64_t>(a["-100:2"], {0, 1}, {2}));
  EXPECT_TRUE(array_equals<int64_t>(a["100:-100:-2"], {5, 3, 1}, {3}));
  // A step whose stride product overflows int64 still selects the one element it reaches.
  Array m = arange(0, 12, 1, int64, device()).reshape({3, 4});
  EXPECT_TRUE(array_equals<int64_t>(m["-1:-1:-1544440001231275246"], {}, {0, 4}));
  EXPECT_TRUE(array_equals<int64_t>(m["::-4611686018427387904"], {8, 9, 10, 11}, {1, 4}));
  EXPECT_TRUE(array_equals<int64_t>(m[":, 1::4611686018427387904"], {1, 5, 9}, {3, 1}));
  Array e = zeros({0, 3}, float32, device());
  EXPECT_EQ(e[":, 1"].shape(), Shape{0});
  EXPECT_EQ(e["::-1"].shape(), (Shape{0, 3}));
}

TEST_P(Indexing, ErrorsNameTheProblem) {
  Array m = arange(0, 12, 1, int64, device()).reshape({3, 4});
  expect_error<IndexError>([&] { m(0, 1, 2); },
                           "too many indices for array: array is 2-dimensional, but 3 were indexed");
  expect_error<IndexError>([&] { m["0, 1, 2"]; },
                           "too many indices for array: array is 2-dimensional, but 3 were indexed");
  expect_error<IndexError>([&] { m(3); }, "index 3 is out of bounds for axis 0 with size 3");
  expect_error<IndexError>([&] { m(0, -5); }, "index -5 is out of bounds for axis 1 with size 4");
  expect_error<ValueError>([&] { m["::0"]; }, "slice step cannot be zero");
  expect_error<IndexError>([&] { m(ellipsis, ellipsis); }, "an index can only have a single ellipsis ('...')");
  // Malformed strings: IndexError naming the bad part.
  for (const char* bad : {"1:x", "1:2:3:4", "", "  ", "1,,2", "--1", "abc", "1.5", ":-", "None:1", "99999999999999999999"}) {
    SCOPED_TRACE(bad);
    try {
      m[bad];
      ADD_FAILURE() << "no exception";
    } catch (const IndexError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("invalid index string \"" + std::string(bad) + "\""), std::string::npos) << what;
    }
  }
  try {
    m["1, 2:y"];
  } catch (const IndexError& e) {
    EXPECT_EQ(std::string(e.what()),
              "invalid index string \"1, 2:y\": not an integer in \"y\" (only integers, slices (`:`), "
              "ellipsis (`...`) and None are valid in an index string)");
  }
}

TEST_P(Indexing, AssignThroughViewsBroadcasts) {
  Array m = zeros({3, 4}, float32, device());
  m[":, 1"].assign(array({1.0, 2.0, 3.0}, {}, device()));
  m["0"].assign(array({9.0, 8.0, 7.0, 6.0}, float64, device()));  // cast on write
  m["1:, ::-1"].assign(array({{1, 2, 3, 4}}, {}, device()));      // (1,4) broadcast, reversed view
  EXPECT_TRUE(array_equals<float>(m, {9, 8, 7, 6, 4, 3, 2, 1, 4, 3, 2, 1}, {3, 4}));
  m(all, slice(_, _, 2)).assign(-1.0);
  EXPECT_TRUE(array_equals<float>(m, {-1, 8, -1, 6, -1, 3, -1, 1, -1, 3, -1, 1}, {3, 4}));
  // Overlapping source and destination: as if the source were copied first.
  Array v = arange(0, 5, 1, int64, device());
  v["1:"].assign(v[":4"]);
  EXPECT_TRUE(array_equals<int64_t>(v, {0, 0, 1, 2, 3}, {5}));
  expect_error<ValueError>([&] { m.assign(zeros({3}, float32, device())); },
                           "could not broadcast input array from shape (3,) into shape (3,4)");
  Array b = array({1.0, 2.0}, {}, device()).broadcast_to({3, 2});
  expect_error<ValueError>([&] { b.assign(0.0); }, "assignment destination is read-only");
  expect_error<ValueError>([&] { b[0].assign(zeros({2}, float32, device())); },
                           "assignment destination is read-only");
  Array empty = zeros({0, 4}, float32, device());
  empty.assign(ones({4}, float32, device()));  // size 0: nothing to write, no error
  EXPECT_EQ(empty.size(), 0);
}
