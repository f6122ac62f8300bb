#pragma once

/// @file
/// What a restart strategy knows of a child besides its position: its restart
/// type and whether it is a worker or a supervisor. Defined here, apart from
/// the runtime, so that strategies build and test on their own
/// (target `kintsugi::strategies`); child_spec.hpp uses the same types.

#include <cstdint>

namespace kintsugi {

/// When a child that ended is restarted (OTP's `restart` key).
enum class restart_type : uint8_t {
  /// Always restarted.
  permanent,
  /// Restarted only after an abnormal exit (see `is_normal_exit`).
  transient,
  /// Never restarted, and its spec is forgotten when it ends.
  temporary,
};

/// What a child is (OTP's `type` key): decides the default shutdown.
enum class child_type : uint8_t { worker, supervisor };

const char* to_string(restart_type x) noexcept;
const char* to_string(child_type x) noexcept;

} // namespace kintsugi
