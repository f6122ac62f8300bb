#include "scheduler.hpp"

#include <atomic>
#include <chrono>

#include <caf/detail/set_thread_name.hpp>
#include <caf/execution_unit.hpp>
#include <caf/intrusive_ptr.hpp>

namespace kintsugi::detail {

namespace {

using clock = std::chrono::steady_clock;

/// How long an idle worker looks for work before it sleeps.
constexpr std::chrono::microseconds spin_time{50};

/// How long a job waits in its worker's queue before another may take it.
constexpr std::chrono::microseconds steal_after{20};

/// How often an idle worker looks at the other workers' queues. Each look
/// pulls their cache lines over to this core, and the owner's next push
/// pulls them back: looking each time round the spin loop (every 0.5 us)
/// made W1 2.5x slower.
constexpr std::chrono::microseconds look_interval{5};

/// In a program with CAF's middleman, a busy worker yields its core every
/// this many jobs, so that a chain of local messages does not keep the
/// middleman's thread (or another process on the machine) waiting for it.
constexpr unsigned busy_yield_period = 16;

/// A worker serves the shared queue before its own every this many jobs, so
/// that a worker busy with a chain of its own cannot starve it.
constexpr unsigned shared_queue_period = 61;

/// Ends the worker that runs it; `stop` queues one per worker.
class shutdown_job final : public caf::resumable {
public:
  resume_result resume(caf::execution_unit*, size_t) override {
    return shutdown_execution_unit;
  }

  // Owned by `stop`, which outlives every worker.
  void intrusive_ptr_add_ref_impl() override {
  }

  void intrusive_ptr_release_impl() override {
  }
};

} // namespace

// -- worker -----------------------------------------------------------------------------

class scheduler::worker final : public caf::execution_unit {
public:
  worker(scheduler& parent, std::size_t index)
    : caf::execution_unit(&parent.system()),
      parent_(parent),
      index_(index),
      polite_(parent.system().has_middleman()) {
  }

  void start() {
    thread_ = std::thread{[this] {
      caf::detail::set_thread_name("kintsugi.worker");
      system().thread_started();
      run();
      system().thread_terminates();
    }};
  }

  void join() {
    thread_.join();
  }

  // Called by the actors this worker runs; the job is this worker's to run.
  void exec_later(caf::resumable* job) override {
    push_local(job);
  }

  bool has_jobs() const {
    return size_.load(std::memory_order_seq_cst) > 0;
  }

  caf::resumable* pop_front() {
    if (size_.load(std::memory_order_acquire) == 0)
      return nullptr;
    std::lock_guard<std::mutex> guard{lock_};
    return take_front();
  }

  // The oldest job, if it has waited steal_after; sets `queued` if there is
  // any job at all.
  caf::resumable* steal(clock::time_point now, bool& queued) {
    if (size_.load(std::memory_order_acquire) == 0)
      return nullptr;
    queued = true;
    auto since = clock::time_point{clock::duration{front_since_.load(std::memory_order_relaxed)}};
    if (now - since < steal_after)
      return nullptr;
    std::lock_guard<std::mutex> guard{lock_};
    if (jobs_.empty() || now - jobs_.front().since < steal_after)
      return nullptr;
    return take_front();
  }

private:
  struct entry {
    caf::resumable* job;
    clock::time_point since;
  };

  void run() {
    auto max_throughput = parent_.max_throughput();
    for (;;) {
      auto job = dequeue();
      switch (job->resume(this, max_throughput)) {
        case caf::resumable::resume_later:
          push_local(job);
          break;
        case caf::resumable::done:
        case caf::resumable::awaiting_message:
          caf::intrusive_ptr_release(job);
          break;
        case caf::resumable::shutdown_execution_unit:
          return;
      }
    }
  }

  void push_local(caf::resumable* job) {
    auto now = clock::now();
    {
      std::lock_guard<std::mutex> guard{lock_};
      jobs_.push_back({job, now});
      if (jobs_.size() == 1)
        front_since_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
      size_.store(jobs_.size(), std::memory_order_seq_cst);
    }
    // Sleepers are told, so that a job is not stranded here should this
    // worker block inside a handler; they take it once it has waited
    // steal_after. Pairs with the seq_cst increment in scheduler::sleep.
    if (parent_.sleepers_.load(std::memory_order_seq_cst) > 0)
      parent_.tell_sleepers();
  }

  caf::resumable* take_front() {
    if (jobs_.empty())
      return nullptr;
    auto job = jobs_.front().job;
    jobs_.pop_front();
    if (!jobs_.empty())
      front_since_.store(jobs_.front().since.time_since_epoch().count(), std::memory_order_relaxed);
    size_.store(jobs_.size(), std::memory_order_release);
    return job;
  }

  caf::resumable* dequeue() {
    ++dequeues_;
    if (polite_ && dequeues_ % busy_yield_period == 0)
      std::this_thread::yield();
    if (dequeues_ % shared_queue_period == 0)
      if (auto job = parent_.pop_shared())
        return job;
    if (auto job = pop_front())
      return job;
    for (;;) {
      auto deadline = clock::now() + spin_time;
      auto next_look = clock::time_point{};
      for (unsigned i = 1;; ++i) {
        if (auto job = parent_.pop_shared())
          return job;
        // No PAUSE instruction here: on KVM guests, pause-loop exiting lets
        // the host deschedule a vCPU that spins on PAUSE.
        if (i % 64 != 0)
          continue;
        if (polite_)
          std::this_thread::yield();
        if (i % 512 != 0)
          continue;
        auto now = clock::now();
        if (now >= next_look) {
          next_look = now + look_interval;
          bool others_queued = false;
          if (auto job = steal_from_others(now, others_queued))
            return job;
          // Stay awake while jobs wait elsewhere: they may become ours.
          if (others_queued)
            deadline = now + spin_time;
        }
        if (now >= deadline)
          break;
      }
      if (auto job = parent_.sleep())
        return job;
    }
  }

  caf::resumable* steal_from_others(clock::time_point now, bool& queued) {
    auto n = parent_.workers_.size();
    for (std::size_t k = 1; k < n; ++k)
      if (auto job = parent_.workers_[(index_ + k) % n]->steal(now, queued))
        return job;
    return nullptr;
  }

  scheduler& parent_;
  std::size_t index_;
  // A program that talks to other processes (CAF's middleman is loaded)
  // spins politely: the middleman's thread and the processes it talks to
  // need these cores the moment their data arrives. Without this, W8's
  // restart of a child on another node took 3-4 ms instead of 0.7 ms on 2
  // cores; in a program without it, yielding doubled W3.
  const bool polite_;
  std::thread thread_;
  unsigned dequeues_ = 0;

  // Only this worker pushes (from the actors it runs); any worker may pop.
  std::mutex lock_;
  std::deque<entry> jobs_; // guarded by lock_
  // Read by other workers without the lock.
  std::atomic<std::size_t> size_{0};
  std::atomic<clock::rep> front_since_{0};
};

// -- scheduler --------------------------------------------------------------------------

scheduler::scheduler(caf::actor_system& sys) : caf::scheduler::abstract_coordinator(sys) {
}

scheduler::~scheduler() = default;

void scheduler::enqueue(caf::resumable* job) {
  push_shared(job);
}

caf::actor_clock& scheduler::clock() noexcept {
  return clock_;
}

void scheduler::start() {
  auto n = num_workers();
  workers_.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    workers_.emplace_back(std::make_unique<worker>(*this, i));
  for (auto& w : workers_)
    w->start();
  clock_thread_ = std::thread{[this] {
    caf::detail::set_thread_name("caf.clock");
    system().thread_started();
    clock_.run();
    system().thread_terminates();
  }};
  // Starts CAF's utility actors (the printer).
  caf::scheduler::abstract_coordinator::start();
}

void scheduler::stop() {
  // Each worker ends at the first shutdown job it takes, so each takes one.
  std::vector<shutdown_job> shutdowns(workers_.size());
  for (auto& job : shutdowns)
    push_shared(&job);
  {
    std::lock_guard<std::mutex> guard{lock_};
    wake_.notify_all();
  }
  stop_actors();
  for (auto& w : workers_)
    w->join();
  // The clock first: what it delivers, or what its dropped timers release,
  // may still queue jobs, which are then cleaned up with the rest.
  clock_.stop();
  clock_thread_.join();
  for (auto& w : workers_)
    while (auto job = w->pop_front())
      cleanup_and_release(job);
  while (auto job = pop_shared())
    cleanup_and_release(job);
}

void scheduler::push_shared(caf::resumable* job) {
  bool wake;
  {
    std::lock_guard<std::mutex> guard{lock_};
    shared_.push_back(job);
    shared_size_.fetch_add(1, std::memory_order_release);
    wake = sleepers_.load(std::memory_order_relaxed) > 0;
  }
  if (wake)
    wake_.notify_one();
}

caf::resumable* scheduler::pop_shared() {
  if (shared_size_.load(std::memory_order_acquire) == 0)
    return nullptr;
  std::lock_guard<std::mutex> guard{lock_};
  return take_shared();
}

caf::resumable* scheduler::take_shared() {
  if (shared_.empty())
    return nullptr;
  auto job = shared_.front();
  shared_.pop_front();
  shared_size_.fetch_sub(1, std::memory_order_relaxed);
  return job;
}

void scheduler::tell_sleepers() {
  {
    std::lock_guard<std::mutex> guard{lock_};
    ++wakeups_;
  }
  wake_.notify_one();
}

caf::resumable* scheduler::sleep() {
  std::unique_lock<std::mutex> guard{lock_};
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  if (shared_.empty() && !any_local_jobs())
    wake_.wait(guard, [this] { return !shared_.empty() || wakeups_ > 0; });
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
  // One worker awake and spinning looks at every queue, which answers all
  // the local pushes counted so far.
  wakeups_ = 0;
  return take_shared();
}

bool scheduler::any_local_jobs() const {
  for (auto& w : workers_)
    if (w->has_jobs())
      return true;
  return false;
}

} // namespace kintsugi::detail
