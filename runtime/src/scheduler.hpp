#pragma once

// The scheduler `kintsugi::configure` loads in place of CAF's: worker threads
// that keep a chain of messages on one core, and a clock that is not woken
// for actors that never set a timeout.
//
// Each worker has a queue of its own. A job a worker makes runnable (an actor
// sending to another from its handler) goes there, and that worker runs it
// next, with the actors' state still in its cache. Another worker takes such
// a job only once it has waited `steal_after`: its owner is busy with
// something long, and the job is better run elsewhere than late. Jobs from
// outside the workers (the main thread, CAF's middleman and clock) go to one
// shared queue that every worker serves. Idle workers spin for a while before
// they sleep, as BEAM's schedulers do (+sbwt).
//
// Why not CAF's coordinator<Policy>: with one shared queue (CAF's
// work_sharing, and this scheduler's predecessor), an idle worker took each
// job the moment it was queued, so a restart's chain of hops crossed between
// cores at every hop; on a 2-vCPU KVM guest W1's median was 18-21 us in most
// runs, against 5.5 us with one worker. And CAF's worker loop casts every job
// with a cross-hierarchy dynamic_cast for its logger, about a fifth of all
// instructions in W1.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

namespace kintsugi::detail {

/// CAF's thread-safe clock, remembering which actors have set a timeout.
/// CAF 0.17 cancels the timeouts of every actor that terminates by waking
/// the clock's thread (a futex wake, often an interrupt to the other core),
/// whether or not the actor had any; a restart ends an actor, so this wake
/// was on every restart's path.
class lean_actor_clock final : public caf::detail::thread_safe_actor_clock {
public:
  using super = caf::detail::thread_safe_actor_clock;

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            uint64_t id) override;
  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override;
  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         uint64_t id) override;
  void cancel_timeouts(caf::abstract_actor* self) override;

private:
  // Actor ids are never reused, and every actor's cleanup calls
  // cancel_timeouts, which removes its id.
  struct shard {
    std::mutex lock;
    std::unordered_set<caf::actor_id> ids;
  };
  static constexpr std::size_t shard_count = 16;

  void remember(const caf::abstract_actor* self);
  shard& shard_of(caf::actor_id id);

  shard shards_[shard_count];
};

class scheduler final : public caf::scheduler::abstract_coordinator {
public:
  class worker;

  explicit scheduler(caf::actor_system& sys);
  ~scheduler() override;

  static caf::actor_system::module* make(caf::actor_system& sys, caf::detail::type_list<>) {
    return new scheduler(sys);
  }

  void enqueue(caf::resumable* job) override;
  caf::actor_clock& clock() noexcept override;

protected:
  void start() override;
  void stop() override;

private:
  friend class worker;

  void push_shared(caf::resumable* job);
  caf::resumable* pop_shared();
  void tell_sleepers();
  // Sleeps until a job arrives in the shared queue (returned) or a worker
  // queues one of its own (null: look again).
  caf::resumable* sleep();
  bool any_local_jobs() const;

  std::vector<std::unique_ptr<worker>> workers_;
  lean_actor_clock clock_;
  std::thread clock_thread_;

  std::mutex lock_;
  std::condition_variable wake_;
  std::deque<caf::resumable*> shared_; // guarded by lock_
  std::size_t wakeups_ = 0;            // guarded by lock_
  std::atomic<std::size_t> shared_size_{0};
  std::atomic<std::size_t> sleepers_{0}; // written under lock_
};

} // namespace kintsugi::detail
