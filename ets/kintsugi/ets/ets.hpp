#pragma once

/// @file
/// Kintsugi's term store (OTP's ETS): typed concurrent tables that outlive
/// the actor that crashed. Include this for all of it (target
/// `kintsugi::ets`). Tables on disk and the state vault are in
/// `kintsugi/ets/durable.hpp` and `kintsugi/ets/state_vault.hpp` (target
/// `kintsugi::durable`, which links LMDB).

#include "kintsugi/ets/bag.hpp"
#include "kintsugi/ets/error.hpp"
#include "kintsugi/ets/file.hpp"
#include "kintsugi/ets/ordered_set.hpp"
#include "kintsugi/ets/set.hpp"
#include "kintsugi/ets/table.hpp"
#include "kintsugi/ets/table_info.hpp"
#include "kintsugi/ets/table_options.hpp"
