#pragma once

// The error categories render() can spell (see add_error_category). Internal.

#include <string>
#include <vector>

#include <caf/atom.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi {

struct error_category_names {
  caf::atom_value category;
  std::string prefix;
  code_names names;
};

/// Kintsugi's own category first, then those registered, in order.
std::vector<error_category_names> error_categories();

} // namespace kintsugi
