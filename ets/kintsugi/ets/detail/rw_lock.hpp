#pragma once

// A reader-writer spin lock for the term store's short critical sections. A
// writer waiting blocks new readers, so writers do not starve. Waiters yield
// after a short spin, as a user's predicate may run inside a section.
//
// With reader slots (ETS's read_concurrency), readers count themselves in
// one of several cache lines, chosen per thread, instead of all in one word:
// readers on different cores then never write the same cache line, and a
// writer pays for it by checking every slot.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>

namespace kintsugi::ets::detail {

class rw_lock {
public:
  rw_lock() = default;

  /// Switches to reader slots; only before the lock is first used.
  void use_reader_slots() {
    slots_ = std::make_unique<slot_array>();
  }

  void lock() noexcept {
    for (unsigned spins = 0; !take_writer_bit(); ++spins) {
      if ((state_.load(std::memory_order_relaxed) & pending) == 0)
        state_.fetch_or(pending, std::memory_order_relaxed);
      backoff(spins);
    }
    // New readers stay out now; wait for those inside to leave.
    for (unsigned spins = 0; !no_slot_readers(); ++spins)
      backoff(spins);
  }

  // Takes the lock for writing if nobody holds it; never waits.
  bool try_lock() noexcept {
    if (!take_writer_bit())
      return false;
    if (no_slot_readers())
      return true;
    state_.fetch_and(~writer, std::memory_order_release);
    return false;
  }

  void unlock() noexcept {
    state_.fetch_and(~writer, std::memory_order_release);
  }

  void lock_shared() noexcept {
    // One atomic add on the fast path: a reader counts itself in, and backs
    // out only when a writer holds or waits for the lock.
    auto& count = slots_ ? (*slots_)[slot_index()].count : state_;
    for (unsigned spins = 0;; ++spins) {
      auto mine = count.fetch_add(1, std::memory_order_seq_cst);
      auto s = slots_ ? state_.load(std::memory_order_seq_cst) : mine;
      if ((s & (writer | pending)) == 0)
        return;
      count.fetch_sub(1, std::memory_order_relaxed);
      while ((state_.load(std::memory_order_relaxed) & (writer | pending)) != 0)
        backoff(spins++);
    }
  }

  void unlock_shared() noexcept {
    auto& count = slots_ ? (*slots_)[slot_index()].count : state_;
    count.fetch_sub(1, std::memory_order_release);
  }

private:
  // Without slots, readers count in state_, so this also means no readers.
  bool take_writer_bit() noexcept {
    auto s = state_.load(std::memory_order_relaxed);
    return (s & ~pending) == 0
           && state_.compare_exchange_strong(s, writer, std::memory_order_seq_cst,
                                             std::memory_order_relaxed);
  }

  // Readers announce themselves in their slot before they look at the
  // writer bit, and a writer looks at the slots after setting it: one of the
  // two sees the other.
  bool no_slot_readers() const noexcept {
    if (!slots_)
      return true;
    for (auto& slot : *slots_)
      if (slot.count.load(std::memory_order_seq_cst) != 0)
        return false;
    return true;
  }

  static constexpr uint32_t writer = 1u << 31;
  static constexpr uint32_t pending = 1u << 30;
  static constexpr std::size_t slot_count = 16;

  struct alignas(64) slot {
    std::atomic<uint32_t> count{0};
  };

  using slot_array = std::array<slot, slot_count>;

  static std::size_t slot_index() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local std::size_t index = next.fetch_add(1, std::memory_order_relaxed) % slot_count;
    return index;
  }

  static void backoff(unsigned spins) noexcept {
    if (spins >= 64)
      std::this_thread::yield();
  }

  std::atomic<uint32_t> state_{0};
  std::unique_ptr<slot_array> slots_;
};

} // namespace kintsugi::ets::detail
