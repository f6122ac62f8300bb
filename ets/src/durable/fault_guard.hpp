#pragma once

// LMDB 0.9 keeps no checksums: a corrupted page can make it read wild
// pointers. Every call into LMDB runs under a guard that turns a fault in
// this thread into an error (the table is then marked broken), so a bad file
// never crashes the program. Faults outside a guard go to the handler that
// was there before. A fault skips the destructors of the frames it unwinds:
// what they held leaks, once, for a table that is then refused. Internal.

#include <atomic>
#include <csetjmp>
#include <string>

#include <lmdb.h>

#include <caf/error.hpp>

#include "kintsugi/ets/error.hpp"

namespace kintsugi::ets::detail {

/// Where a fault in this thread jumps to; none outside a guard.
extern thread_local sigjmp_buf* fault_jump;

/// Installs the fault handler, unless it is in place (a test framework may
/// have put its own in since the last call).
void install_fault_handler();

/// LMDB's assertion callback: a failed assertion under a guard is a fault.
void on_lmdb_assert(MDB_env*, const char*);

/// Runs `body` (returning caf::error) under the guard. A fault in it marks
/// `broken`; a broken file runs nothing. Either gives `bad_file` for `path`.
template <class F>
caf::error guarded(std::atomic<bool>& broken, const std::string& path, F&& body) {
  auto faulted = [&] {
    return make_error(errc::bad_file, path + ": corrupted (LMDB faulted reading it)");
  };
  if (broken.load(std::memory_order_acquire))
    return faulted();
  sigjmp_buf jump;
  auto outer = fault_jump;
  if (sigsetjmp(jump, 0) != 0) {
    fault_jump = outer;
    broken.store(true, std::memory_order_release);
    return faulted();
  }
  fault_jump = &jump;
  auto err = body();
  fault_jump = outer;
  return err;
}

} // namespace kintsugi::ets::detail
