// The tutorial's section 1 (array creation), line by line: NumPy's values AND print() text.
// (float64 in NumPy, float32 here: print() text is the same for these values; repr() adds
// dtype=float32, the documented default-dtype deviation.)
#include "support/array_matchers.hpp"
#include "support/device_test.hpp"

using namespace nd;

class TutorialCreation : public DeviceTest {};
ND_INSTANTIATE_DEVICE_TESTS(TutorialCreation);

TEST_P(TutorialCreation, Section1PrintsLikeNumpy) {
  Array arr = array({1, 2, 3, 4, 5}, {}, device());                 // np.array([1, 2, 3, 4, 5])
  EXPECT_EQ(to_string(arr), "[1 2 3 4 5]");
  EXPECT_EQ(repr(arr), "array([1, 2, 3, 4, 5])");
  Array z = zeros({3, 4}, float32, device());                        // np.zeros((3, 4))
  EXPECT_EQ(to_string(z), "[[0. 0. 0. 0.]\n [0. 0. 0. 0.]\n [0. 0. 0. 0.]]");
  Array o = ones({2, 3}, float32, device());                         // np.ones((2, 3))
  EXPECT_EQ(to_string(o), "[[1. 1. 1.]\n [1. 1. 1.]]");
  Array id = eye(4, {}, 0, float32, device());                       // np.eye(4)
  EXPECT_EQ(to_string(id), "[[1. 0. 0. 0.]\n [0. 1. 0. 0.]\n [0. 0. 1. 0.]\n [0. 0. 0. 1.]]");
  EXPECT_EQ(repr(id.astype(float64)),
            "array([[1., 0., 0., 0.],\n       [0., 1., 0., 0.],\n       [0., 0., 1., 0.],\n"
            "       [0., 0., 0., 1.]])");
  random::seed(0);
  Array r = random::rand({3, 3}, float32, device());                 // np.random.rand(3, 3)
  EXPECT_EQ(r.shape(), (Shape{3, 3}));                               // (other generator: shape and range only)
  for (float v : r.to_vector<float>()) EXPECT_TRUE(v >= 0.f && v < 1.f);
  Array seq = arange(0, 10, 2, {}, device());                        // np.arange(0, 10, 2)
  EXPECT_EQ(to_string(seq), "[0 2 4 6 8]");
  Array lin = linspace(0, 1, 5, true, float32, device());            // np.linspace(0, 1, 5)
  EXPECT_EQ(to_string(lin), "[0.   0.25 0.5  0.75 1.  ]");
  EXPECT_EQ(repr(lin), "array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)");
}
