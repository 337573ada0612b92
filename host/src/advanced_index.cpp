// Advanced indexing: boolean masks and integer arrays (gather = copy; scatter via assign_at).
#include "detail.hpp"

namespace nd {
namespace detail {

Array advanced_index(const Array&, const std::vector<Index>&) {
  throw IndexError("advanced (array) indexing is not implemented yet");  // TODO(indexing helper)
}

}  // namespace detail

void Array::assign_at(const std::vector<Index>&, const Array&) const {
  throw IndexError("advanced (array) index assignment is not implemented yet");
}

}  // namespace nd
