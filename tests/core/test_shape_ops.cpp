// Shape ops: the tutorial's section 5 (values and printed text), views vs copies, concatenate /
// stack, and NumPy's errors (class and exact message).
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"
#include "support/expect_error.hpp"

using namespace nd;

class ShapeOps : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(ShapeOps);

TEST_P(ShapeOps, TutorialSection5) {
  Array arr = arange(12, {}, device());
  EXPECT_EQ(to_string(arr), "[ 0  1  2  3  4  5  6  7  8  9 10 11]");
  Array matrix = arr.reshape({3, 4});
  EXPECT_EQ(to_string(matrix), "[[ 0  1  2  3]\n [ 4  5  6  7]\n [ 8  9 10 11]]");
  EXPECT_EQ(matrix.storage(), arr.storage());  // a view
  Array cube = arr.reshape({2, 2, 3});
  EXPECT_EQ(to_string(cube), "[[[ 0  1  2]\n  [ 3  4  5]]\n\n [[ 6  7  8]\n  [ 9 10 11]]]");
  Array flat = matrix.flatten();
  EXPECT_EQ(to_string(flat), "[ 0  1  2  3  4  5  6  7  8  9 10 11]");
  EXPECT_NE(flat.storage(), matrix.storage());  // always a copy
  Array transposed = matrix.T();
  EXPECT_EQ(to_string(transposed), "[[ 0  4  8]\n [ 1  5  9]\n [ 2  6 10]\n [ 3  7 11]]");
  EXPECT_EQ(repr(transposed),
            "array([[ 0,  4,  8],\n       [ 1,  5,  9],\n       [ 2,  6, 10],\n       [ 3,  7, 11]])");
  EXPECT_EQ(transposed.strides(), (Shape{1, 4}));
  EXPECT_EQ(to_string(cube.transpose({1, 0, 2})), "[[[ 0  1  2]\n  [ 6  7  8]]\n\n [[ 3  4  5]\n  [ 9 10 11]]]");
  EXPECT_EQ(to_string(cube.swapaxes(0, 2)),
            "[[[ 0  6]\n  [ 3  9]]\n\n [[ 1  7]\n  [ 4 10]]\n\n [[ 2  8]\n  [ 5 11]]]");
  // Reshaping a transposed matrix needs a copy; ravel of it too.
  Array tr = transposed.reshape({2, 6});
  EXPECT_EQ(to_string(tr), "[[ 0  4  8  1  5  9]\n [ 2  6 10  3  7 11]]");
  EXPECT_NE(tr.storage(), arr.storage());
  EXPECT_EQ(to_string(transposed.ravel()), "[ 0  4  8  1  5  9  2  6 10  3  7 11]");
  EXPECT_EQ(matrix.ravel().storage(), arr.storage());
  EXPECT_EQ(arr.reshape({-1, 4}).shape(), (Shape{3, 4}));
  EXPECT_EQ(arr.reshape({-2, 6}).shape(), (Shape{2, 6}));  // NumPy takes any negative as unknown
}

TEST_P(ShapeOps, ViewsWhenStridesAllow) {
  Array a = arange(24, {}, device()).reshape({2, 3, 4});
  Array blocks = arange(24, {}, device()).reshape({4, 3, 2})(slice(_, _, 2));  // every other block
  Array r = blocks.reshape({2, 6});  // each block stays contiguous: a view
  EXPECT_EQ(r.storage(), blocks.storage());
  EXPECT_TRUE(array_equals<int64_t>(r, {0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17}, {2, 6}));
  Array gappy = a(all, slice(_, _, 2));  // (2,2,4): gaps between rows inside a block
  Array g = gappy.reshape({2, 8});       // needs a copy, as in NumPy
  EXPECT_NE(g.storage(), a.storage());
  EXPECT_TRUE(array_equals<int64_t>(g, {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23}, {2, 8}));
  Array rev = a["::-1, :, ::-1"];
  Array rr = rev.reshape({6, 4});
  EXPECT_TRUE(array_equals<int64_t>(rr.reshape({24}).reshape({2, 3, 4}), rev.copy().to_vector<int64_t>(), {2, 3, 4}));
  EXPECT_EQ(a.squeeze().shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(a.expand_dims(1).shape(), (Shape{2, 1, 3, 4}));
  EXPECT_EQ(expand_dims(a, -1).shape(), (Shape{2, 3, 4, 1}));
  EXPECT_EQ(a.expand_dims(0).squeeze(0).shape(), (Shape{2, 3, 4}));
  Array z = zeros({0, 3}, float32, device());
  EXPECT_EQ(z.reshape({3, 0}).shape(), (Shape{3, 0}));
  EXPECT_EQ(z.reshape({-1}).shape(), Shape{0});
  EXPECT_EQ(z.T().shape(), (Shape{3, 0}));
  EXPECT_EQ(z.flatten().shape(), Shape{0});
}

TEST_P(ShapeOps, BroadcastToIsReadOnly) {
  Array row = array({1.0, 2.0, 3.0}, {}, device());
  Array b = row.broadcast_to({2, 3});
  EXPECT_TRUE(b.is_readonly());
  EXPECT_EQ(b.strides(), (Shape{0, 1}));
  EXPECT_EQ(to_string(b), "[[1. 2. 3.]\n [1. 2. 3.]]");
  expect_error<ValueError>([&] { b.assign(0.0); }, "assignment destination is read-only");
  expect_error<ValueError>([&] { b.assign_at({0}, scalar(1.0)); }, "assignment destination is read-only");
  EXPECT_TRUE(array_equals<float>(row, {1, 2, 3}, {3}));  // untouched
  expect_error<ValueError>([&] { row.broadcast_to({2, 4}); },
                           "operands could not be broadcast together with remapped shapes "
                           "[original->remapped]: (3,)  and requested shape (2,4)");
  expect_error<ValueError>([&] { b.broadcast_to({3}); },
                           "input operand has more dimensions than allowed by the axis remapping");
}

TEST_P(ShapeOps, ShapeErrors) {
  Array a = arange(12, {}, device());
  expect_error<ValueError>([&] { a.reshape({5}); }, "cannot reshape array of size 12 into shape (5,)");
  expect_error<ValueError>([&] { a.reshape({3, 5}); }, "cannot reshape array of size 12 into shape (3,5)");
  expect_error<ValueError>([&] { a.reshape({-1, 5}); }, "cannot reshape array of size 12 into shape (5)");
  expect_error<ValueError>([&] { a.reshape({-1, -1}); }, "can only specify one unknown dimension");
  expect_error<ValueError>([&] { zeros({0}).reshape({0, -1}); },
                           "cannot reshape array of size 0 into shape (0,newaxis)");
  Array m = a.reshape({3, 4});
  expect_error<ValueError>([&] { m.squeeze(0); },
                           "cannot select an axis to squeeze out which has size not equal to one");
  expect_error<ValueError>([&] { m.transpose({0, 0}); }, "repeated axis in transpose");
  expect_error<ValueError>([&] { m.transpose({0}); }, "axes don't match array");
  expect_error<AxisError>([&] { m.swapaxes(0, 2); }, "axis2: axis 2 is out of bounds for array of dimension 2");
  expect_error<AxisError>([&] { expand_dims(m, 3); }, "axis 3 is out of bounds for array of dimension 3");
  expect_error<ValueError>([&] { zeros(Shape(9, 1), float32, device()); },
                           "maximum supported dimension for an ndarray is 8, found 9");
  Array eight = zeros(Shape(8, 1), float32, device());
  expect_error<ValueError>([&] { eight.expand_dims(0); },
                           "maximum supported dimension for an ndarray is 8, found 9");
  expect_error<ValueError>([&] { eight.reshape(Shape(9, 1)); },
                           "maximum supported dimension for an ndarray is 8, found 9");
}

TEST_P(ShapeOps, ConcatenateAndStack) {
  Array a = array({{1, 2}, {3, 4}}, {}, device());
  Array b = array({{5, 6}}, {}, device());
  Array c0 = concatenate({a, b}, 0);
  EXPECT_EQ(to_string(c0), "[[1 2]\n [3 4]\n [5 6]]");
  Array c1 = concatenate({a, b.T()}, 1);
  EXPECT_TRUE(array_equals<int64_t>(c1, {1, 2, 5, 3, 4, 6}, {2, 3}));
  EXPECT_TRUE(array_equals<int64_t>(concatenate({a, a["::-1"]}, -1), {1, 2, 3, 4, 3, 4, 1, 2}, {2, 4}));
  Array mixed = concatenate({a.astype(int32), array({{0.5, 1.5}}, {}, device())});
  EXPECT_TRUE(array_equals<float>(mixed, {1, 2, 3, 4, 0.5f, 1.5f}, {3, 2}));  // promoted
  EXPECT_EQ(concatenate({zeros({0, 2}, float32, device()), a.astype(float32)}).shape(), (Shape{2, 2}));
  Array s0 = stack({a, a}, 0), s2 = stack({a, a}, -1);
  EXPECT_EQ(s0.shape(), (Shape{2, 2, 2}));
  EXPECT_TRUE(array_equals<int64_t>(s2, {1, 1, 2, 2, 3, 3, 4, 4}, {2, 2, 2}));
  EXPECT_TRUE(array_equals<int64_t>(stack({scalar(1, {}, device()), scalar(2, {}, device())}), {1, 2}, {2}));

  expect_error<ValueError>([] { concatenate({}); }, "need at least one array to concatenate");
  expect_error<ValueError>([&] { concatenate({scalar(1.0), scalar(2.0)}); },
                           "zero-dimensional arrays cannot be concatenated");
  expect_error<ValueError>([&] { concatenate({a, array({{1, 2, 3}}, {}, device())}); },
                           "all the input array dimensions except for the concatenation axis must "
                           "match exactly, but along dimension 1, the array at index 0 has size 2 and "
                           "the array at index 1 has size 3");
  expect_error<ValueError>([&] { concatenate({a, array({1, 2}, {}, device())}); },
                           "all the input arrays must have same number of dimensions, but the array at "
                           "index 0 has 2 dimension(s) and the array at index 1 has 1 dimension(s)");
  expect_error<AxisError>([&] { concatenate({a, a}, 2); }, "axis 2 is out of bounds for array of dimension 2");
  expect_error<ValueError>([] { stack({}); }, "need at least one array to stack");
  expect_error<ValueError>([&] { stack({a, b}); }, "all input arrays must have the same shape");
  expect_error<AxisError>([&] { stack({a, a}, 3); }, "axis 3 is out of bounds for array of dimension 3");
}
