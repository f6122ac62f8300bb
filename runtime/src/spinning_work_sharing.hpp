#pragma once

// A CAF scheduler policy: one shared job queue, like CAF's work_sharing, but
// an idle worker spins for a short while before it sleeps, and a new job wakes
// a worker only if one sleeps. BEAM's schedulers do the same (+sbwt): in a
// restart, actors wake each other in a chain of short hops, and with CAF's
// work_sharing every hop paid a futex wake and a context switch.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>

namespace kintsugi::detail {

class spinning_work_sharing : public caf::policy::unprofiled {
public:
  /// How long an idle worker looks for work before it sleeps.
  static constexpr std::chrono::microseconds spin_time{50};

  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*) {
    }

    std::mutex lock;
    std::condition_variable cv;
    std::deque<caf::resumable*> queue;  // guarded by lock
    std::size_t sleepers = 0;           // guarded by lock
    std::atomic<std::size_t> queued{0}; // a hint for spinning workers
  };

  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {
    }
  };

  template <class Coordinator>
  void enqueue(Coordinator* self, caf::resumable* job) {
    auto& data = d(self);
    bool wake;
    {
      std::lock_guard<std::mutex> guard{data.lock};
      data.queue.push_back(job);
      data.queued.fetch_add(1, std::memory_order_release);
      wake = data.sleepers > 0;
    }
    if (wake)
      data.cv.notify_one();
  }

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    enqueue(self, job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    auto& data = d(self->parent());
    auto deadline = std::chrono::steady_clock::now() + spin_time;
    // A program that talks to other processes (CAF's middleman is loaded)
    // spins politely: the middleman's thread and the processes it talks to
    // need these cores the moment their data arrives. Without this, W8's
    // restart of a child on another node took 3-4 ms instead of 0.7 ms on 2
    // cores; in a program without it, yielding doubled W3.
    bool polite = self->parent()->system().has_middleman();
    for (unsigned i = 1;; ++i) {
      if (data.queued.load(std::memory_order_acquire) > 0) {
        std::lock_guard<std::mutex> guard{data.lock};
        if (!data.queue.empty())
          return pop(data);
      }
      // No PAUSE instruction here: on KVM guests, pause-loop exiting lets the
      // host deschedule a vCPU that spins on PAUSE, and W1 measured a bimodal
      // 7 or 19 us median with it, 7 us without.
      if (i % 64 == 0) {
        if (std::chrono::steady_clock::now() >= deadline)
          break;
        if (polite)
          std::this_thread::yield();
      }
    }
    std::unique_lock<std::mutex> guard{data.lock};
    ++data.sleepers;
    data.cv.wait(guard, [&] { return !data.queue.empty(); });
    --data.sleepers;
    return pop(data);
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker*, UnaryFunction) {
    // Workers keep no jobs of their own.
  }

  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    auto& data = d(self);
    std::lock_guard<std::mutex> guard{data.lock};
    while (!data.queue.empty())
      f(pop(data));
  }

private:
  static caf::resumable* pop(coordinator_data& data) {
    auto job = data.queue.front();
    data.queue.pop_front();
    data.queued.fetch_sub(1, std::memory_order_relaxed);
    return job;
  }
};

} // namespace kintsugi::detail
