#pragma once

// A structural check of an LMDB file, made before LMDB itself reads it.
//
// LMDB 0.9 trusts every page it reads: a corrupted page can make it loop
// forever, copy gigabytes out of a page buffer, or lose a write without an
// error (fuzz_durable_open found each). This walks every page reachable from
// the newest meta page, as LMDB 0.9.24 lays a Kintsugi table out (no
// duplicate-sorted databases), and checks what LMDB would take on trust:
// page numbers, flags and bounds, node offsets and sizes, overflow runs,
// depth, key order, the free list, and that no page is used twice.

#include <string>

#include <caf/error.hpp>

namespace kintsugi::ets::detail {

/// `errc::bad_file` naming the first problem in the file at `path`, or no
/// error. `objects_bytes_order`: whether the objects database sorts its keys
/// as bytes (its order is then checked too).
caf::error check_lmdb_file(const std::string& path, bool objects_bytes_order);

} // namespace kintsugi::ets::detail
