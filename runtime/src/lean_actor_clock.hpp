#pragma once

// The clock of Kintsugi's scheduler: CAF 0.17's timeouts and delayed
// messages, with its thread woken only when a new timer is due before the
// one it waits for.
//
// CAF's thread_safe_actor_clock hands every call to its thread through a
// queue and wakes it each time (a futex wake, often an interrupt to the other
// core, and a thread that takes a core from a worker): each request with a
// timeout woke it twice (set, and cancel when the answer came), and each
// actor that ended once, timeouts or not. A restart of a child on another
// node (W8) woke it three times. Here a cancellation never wakes it (it may
// wake at a deadline that is gone, and sleeps again), a new timer wakes it
// only if it is due first, and an actor that never set a timeout costs its
// end one lookup in a sharded set.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/group.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message.hpp>
#include <caf/message_id.hpp>

namespace kintsugi::detail {

class lean_actor_clock final : public caf::actor_clock {
public:
  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            uint64_t id) override;
  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         uint64_t id) override;
  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override;
  void cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) override;
  void cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) override;
  void cancel_timeouts(caf::abstract_actor* self) override;
  void schedule_message(time_point t, caf::strong_actor_ptr receiver,
                        caf::mailbox_element_ptr content) override;
  void schedule_message(time_point t, caf::group target, caf::strong_actor_ptr sender,
                        caf::message content) override;
  void cancel_all() override;

  /// Delivers what falls due until `stop`; the clock thread's loop.
  void run();

  /// Ends `run` and drops what was still to come.
  void stop();

private:
  enum class kind {
    ordinary_timeout,
    multi_timeout,
    request_timeout,
    actor_message,
    group_message
  };

  struct timer {
    timer(kind what, caf::strong_actor_ptr actor) : what(what), actor(std::move(actor)) {
    }

    kind what;
    // The actor a timeout is for, the receiver of a message, or the sender
    // of a group message.
    caf::strong_actor_ptr actor;
    caf::atom_value type = caf::atom("");
    uint64_t id = 0;
    caf::message_id request;
    caf::mailbox_element_ptr content;
    caf::group target;
    caf::message group_content;
  };

  static bool is_timeout(kind x) {
    return x == kind::ordinary_timeout || x == kind::multi_timeout || x == kind::request_timeout;
  }

  using schedule_map = std::multimap<time_point, timer>;

  // Timers of one actor: shards so that the end of an actor without timers,
  // which every actor's cleanup reports, takes no lock shared by all.
  struct shard {
    std::mutex lock;
    std::unordered_set<caf::actor_id> ids;
  };
  static constexpr std::size_t shard_count = 16;

  static timer typed_timeout(kind what, caf::abstract_actor* self, caf::atom_value type,
                             uint64_t id);
  void add(time_point t, timer x);
  void add_timeout(time_point t, caf::abstract_actor* self, timer x);
  // Drops the timeouts of `aid` that `pred` matches.
  template <class Predicate>
  void cancel(caf::actor_id aid, Predicate pred);
  static void ship(timer& x);
  shard& shard_of(caf::actor_id id);

  shard shards_[shard_count];

  std::mutex lock_;
  std::condition_variable wake_;
  schedule_map schedule_;                                                   // guarded by lock_
  std::unordered_multimap<caf::actor_id, schedule_map::iterator> by_actor_; // guarded by lock_
  // When the thread wakes by itself: time_point::max() while it waits for
  // a first timer, time_point::min() while it is awake.
  time_point waiting_until_ = time_point::min(); // guarded by lock_
  bool stopped_ = false;                         // guarded by lock_
};

} // namespace kintsugi::detail
