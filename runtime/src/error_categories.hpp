#pragma once

// The error categories render() can spell (see add_error_category). Internal.

#include <vector>

#include <caf/atom.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi {

struct error_category_names {
  caf::atom_value category;
  const char* prefix;
  code_names names;
};

/// Kintsugi's own category first, then those registered, in order.
std::vector<error_category_names> error_categories();

} // namespace kintsugi
