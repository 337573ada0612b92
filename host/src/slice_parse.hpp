// NumPy index strings: "1:4", "::-1", ":, 1", "1, :", "..., None", "-1".
#pragma once
#include <string_view>
#include <vector>

#include "ndgpu/array.hpp"

namespace nd::detail {

// Parses a Python subscript (the text between the brackets) into index entries.
// Malformed text is an IndexError naming the offending part.
std::vector<Index> parse_index(std::string_view text);

}  // namespace nd::detail
