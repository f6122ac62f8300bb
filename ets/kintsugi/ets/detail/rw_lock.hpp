#pragma once

// A reader-writer spin lock for the term store's short critical sections. A
// writer waiting blocks new readers, so writers do not starve. Waiters yield
// after a short spin, as a user's predicate may run inside a section.

#include <atomic>
#include <cstdint>
#include <thread>

namespace kintsugi::ets::detail {

class rw_lock {
public:
  void lock() noexcept {
    for (unsigned spins = 0;; ++spins) {
      auto s = state_.load(std::memory_order_relaxed);
      if ((s & ~pending) == 0) {
        if (state_.compare_exchange_weak(s, writer, std::memory_order_acquire,
                                         std::memory_order_relaxed))
          return;
        continue;
      }
      if ((s & pending) == 0)
        state_.fetch_or(pending, std::memory_order_relaxed);
      backoff(spins);
    }
  }

  // Takes the lock for writing if nobody holds it; never waits.
  bool try_lock() noexcept {
    auto s = state_.load(std::memory_order_relaxed);
    return (s & ~pending) == 0
           && state_.compare_exchange_strong(s, writer, std::memory_order_acquire,
                                             std::memory_order_relaxed);
  }

  void unlock() noexcept { state_.fetch_and(~writer, std::memory_order_release); }

  void lock_shared() noexcept {
    // One atomic add on the fast path: a reader counts itself in, and backs
    // out only when a writer holds or waits for the lock.
    for (unsigned spins = 0;; ++spins) {
      if ((state_.fetch_add(1, std::memory_order_acquire) & (writer | pending)) == 0)
        return;
      state_.fetch_sub(1, std::memory_order_relaxed);
      while ((state_.load(std::memory_order_relaxed) & (writer | pending)) != 0)
        backoff(spins++);
    }
  }

  void unlock_shared() noexcept { state_.fetch_sub(1, std::memory_order_release); }

private:
  static constexpr uint32_t writer = 1u << 31;
  static constexpr uint32_t pending = 1u << 30;

  static void backoff(unsigned spins) noexcept {
    if (spins >= 64)
      std::this_thread::yield();
  }

  std::atomic<uint32_t> state_{0};
};

} // namespace kintsugi::ets::detail
