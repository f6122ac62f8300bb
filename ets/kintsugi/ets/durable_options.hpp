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
  /// Writes are committed at once but flushed to disk together, on `sync()`
  /// and at most `flush_interval` later (DETS's auto_save): bulk loading is
  /// fast, and a crash of the machine may lose what was not flushed yet.
  /// Committed writes survive a crash of the process (kill -9) either way.
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
