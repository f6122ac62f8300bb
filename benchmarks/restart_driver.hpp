#pragma once

// The drivers' common parts, and W1's restart loop, which W7 and W8 run too:
// t0, crash the child, poll which_children until it lists an actor other
// than the old one, ping the new one, t1.

#include <functional>
#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "bench_support.hpp"
#include "kintsugi/kintsugi.hpp"
#include "remote_workloads.hpp"

namespace kintsugi::bench {

// What every driver keeps: samples, how many are left, and what to do at the end.
struct driver_state {
  caf::actor sup;
  std::size_t remaining = 0;
  clock_type::time_point t0;
  std::vector<double> samples_ns;
  // Where the samples go when the driver is done; read after its down message.
  std::vector<double>* out = nullptr;
};

// Hands the samples over and quits once the driver has them all; true if so.
template <class State>
inline bool finished(caf::stateful_actor<State>* self) {
  if (self->state.remaining > 0)
    return false;
  *self->state.out = std::move(self->state.samples_ns);
  self->quit();
  return true;
}

// Spawns a driver, lets `setup` fill its state, starts it with ok_atom, waits
// until it quits and returns its samples, sorted.
template <class State>
inline std::vector<double> drive(caf::actor_system& sys,
                                 caf::behavior (*fun)(caf::stateful_actor<State>*),
                                 const std::function<void(State&)>& setup) {
  std::vector<double> samples;
  auto driver = sys.spawn(fun);
  auto& st
    = dynamic_cast<caf::stateful_actor<State>&>(*caf::actor_cast<caf::abstract_actor*>(driver))
        .state;
  setup(st);
  st.out = &samples;
  caf::scoped_actor self{sys};
  self->monitor(driver);
  self->send(driver, caf::ok_atom::value);
  self->receive([](caf::down_msg&) {});
  std::sort(samples.begin(), samples.end());
  return samples;
}

// -- W1 restart_latency ------------------------------------------------------------
// t0, crash the child (an exit signal with an abnormal reason, as exit(Child,
// crash)), poll which_children until it lists an actor other than the old
// one, ping the new one, t1.

struct w1_state : driver_state {
  caf::actor child;
  std::size_t warmup = 0;
  std::size_t polls = 0; // of the current iteration
  std::size_t* polls_total = nullptr;
  // How the child is crashed; by default as exit(Child, crash).
  std::function<void(caf::event_based_actor*, const caf::actor&)> crash
    = [](caf::event_based_actor* self, const caf::actor& child) {
        self->send_exit(child, caf::make_error(caf::sec::runtime_error, "crash"));
      };
};

inline caf::behavior w1_driver(caf::stateful_actor<w1_state>* self) {
  auto poll = std::make_shared<std::function<void()>>();
  auto step = std::make_shared<std::function<void()>>();
  auto fail = [self](caf::error& err) { self->quit(err); };
  *poll = [self, poll, step, fail] {
    self->request(self->state.sup, caf::infinite, which_children_atom::value)
      .then(
        [self, poll, step, fail](std::vector<child_info>& xs) {
          auto& st = self->state;
          ++st.polls;
          if (xs.size() != 1 || !xs[0].actor || xs[0].actor == st.child) {
            (*poll)();
            return;
          }
          st.child = xs[0].actor;
          self->request(st.child, caf::infinite, ping_atom::value)
            .then(
              [self, step](pong_atom) {
                auto& st = self->state;
                if (st.warmup > 0) {
                  --st.warmup;
                } else {
                  st.samples_ns.push_back(ns_since(st.t0));
                  *st.polls_total += st.polls;
                  --st.remaining;
                }
                st.polls = 0;
                (*step)();
              },
              fail);
        },
        fail);
  };
  *step = [self, poll] {
    if (finished(self))
      return;
    auto& st = self->state;
    st.t0 = clock_type::now();
    st.crash(self, st.child);
    (*poll)();
  };
  return {[step](caf::ok_atom) { (*step)(); }};
}

/// The restart loop on child "w" of `sup`, `n` timed and `warm` untimed
/// iterations; `polls` counts which_children calls. Returns the samples in ns,
/// sorted.
inline std::vector<double>
time_restarts(caf::actor_system& sys, const caf::actor& sup, std::size_t n, std::size_t warm,
              std::size_t& polls,
              std::function<void(caf::event_based_actor*, const caf::actor&)> crash = nullptr) {
  auto kids = which_children(sup);
  return drive<w1_state>(sys, w1_driver, [&](w1_state& st) {
    st.sup = sup;
    st.child = (*kids)[0].actor;
    st.remaining = n;
    st.warmup = warm;
    st.polls_total = &polls;
    if (crash)
      st.crash = std::move(crash);
  });
}

/// A restart loop's line: median, p99, mean, min, max in µs.
inline json_line& add_latencies(json_line& line, const std::vector<double>& sorted_ns) {
  auto us = [](double ns) { return ns / 1000.0; };
  double sum = 0;
  for (auto x : sorted_ns)
    sum += x;
  return line.add("median_us", us(percentile(sorted_ns, 0.5)))
    .add("p99_us", us(percentile(sorted_ns, 0.99)))
    .add("mean_us", us(sum / static_cast<double>(sorted_ns.size())))
    .add("min_us", us(sorted_ns.front()))
    .add("max_us", us(sorted_ns.back()))
    .add("n", sorted_ns.size());
}

} // namespace kintsugi::bench
