#pragma once

// Where durable tables (kintsugi::durable) make themselves known to
// `all_durable_tables` (kintsugi::ets), which does not link LMDB.

#include <functional>

#include "kintsugi/ets/table_info.hpp"

namespace kintsugi::ets::detail {

/// Lists `key` with a function that describes it; any thread. `describe`
/// is called under the catalog's lock and must not call back into it.
void catalog_durable(const void* key, std::function<durable_info()> describe);

/// Forgets `key`; once it returns, `describe` is not running and will not run.
void uncatalog_durable(const void* key);

} // namespace kintsugi::ets::detail
