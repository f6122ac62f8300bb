#pragma once

// The scheduler `kintsugi::configure` loads in place of CAF's: worker threads
// that keep a chain of messages on one core, and a clock whose thread is
// woken only when it must be.
//
// Each worker has a queue of its own. A job a worker makes runnable (an actor
// sending to another from its handler) goes there, and that worker runs it
// next, with the actors' state still in its cache. Another worker takes such
// a job only once it has waited `steal_after`: its owner is busy with
// something long, and the job is better run elsewhere than late. Jobs from
// outside the workers (the main thread, CAF's middleman and clock) go to one
// shared queue that every worker serves. Idle workers spin for a while before
// they sleep, as BEAM's schedulers do (+sbwt). The clock is
// lean_actor_clock.
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
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include "lean_actor_clock.hpp"

namespace kintsugi::detail {

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
  caf::resumable* take_shared(); // with lock_
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
