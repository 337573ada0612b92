// nd::Axes: which axes a reduction consumes, NumPy's `axis=` argument. Default-constructed means
// all axes (axis=None); an int is one axis (negative counts from the end); a list is several.
#pragma once
#include <initializer_list>
#include <vector>

namespace nd {

/// Which axes a reduction consumes: NumPy's `axis=`.
class Axes {
 public:
  Axes() = default;                                            ///< axis=None: every axis
  Axes(int axis) : all_(false), list_{axis} {}                 ///< axis=1, axis=-1
  Axes(std::initializer_list<int> axes) : all_(false), list_(axes) {}  ///< axis=(0, 2)
  Axes(std::vector<int> axes) : all_(false), list_(std::move(axes)) {}  ///< {} here: axis=()
  bool is_all() const { return all_; }                    ///< axis=None
  const std::vector<int>& list() const { return list_; }  ///< the axes when not is_all()

 private:
  bool all_ = true;
  std::vector<int> list_;
};

}  // namespace nd
