#pragma once

/// @file
/// How a durable table is opened and when its writes reach the disk.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace kintsugi::ets {

/// When a write is safe on disk.
enum class durability : uint8_t {
  /// Every write is on disk (fsync) when it returns: it survives a crash of
  /// the machine, not only of the process.
  per_write,
  /// Writes are gathered and committed together, and flushed to disk, on
  /// `sync()` and at most `flush_interval` later (DETS's auto_save), so bulk
  /// loading is fast. What `sync()` has acknowledged survives any crash; a
  /// crash may lose what was written after the last flush. Every other
  /// operation sees the writes before it, flushed or not.
  group,
};

/// How to open a durable table.
struct durable_options {
  /// Open an existing table for reading only; writes fail with
  /// `errc::no_access`.
  bool read_only = false;
  ets::durability durability = durability::per_write;
  /// For `durability::group`: the longest a committed write waits for its
  /// flush.
  std::chrono::milliseconds flush_interval = std::chrono::seconds{1};
  /// The address space mapped at first; the map grows as needed, so a table
  /// may be larger than memory and than this.
  std::size_t initial_map_size = std::size_t{64} << 20;
};

} // namespace kintsugi::ets
