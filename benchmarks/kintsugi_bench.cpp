// kintsugi-bench: runs the workloads of the OTP peer benchmark
// (shared/peers/otp/README.md) on Kintsugi and prints one JSON object per
// line on stdout, with the peer's field names and units; progress on stderr.
//
//   kintsugi-bench            all workloads
//   kintsugi-bench W1 W3      only these
//   kintsugi-bench W1 --scheduler.policy=stealing   with other CAF settings
//
// W1_floor has no peer: it runs W1 against a bare CAF supervisor, to tell
// Kintsugi's share of a restart from CAF's (docs/benchmarks.md).
//
// Sizes come from the same environment variables as the peer's run.sh
// (W1_N, W1_WARM, W2_N, W2_SMALL_N, W3_CHILDREN, W3_REPS, W4_N, W6_N). Every driver is an
// event-based actor: blocking requests from outside would measure CAF's scoped_actor instead.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <unordered_set>
#include <vector>

#include <malloc.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <fmt/core.h>

#include "bench_support.hpp"
#include "kintsugi/kintsugi.hpp"
#include "restart_driver.hpp"

namespace kintsugi::bench {
void run_w4(caf::actor_system& sys);
void run_w6(caf::actor_system& sys);
void run_w7(caf::actor_system& sys);
void run_w8(caf::actor_system& sys);
void run_w8_floor(caf::actor_system& sys);
} // namespace kintsugi::bench

namespace {

using namespace kintsugi;
using namespace kintsugi::bench;

// The peer's idle gen_server: answers ping.
caf::behavior peer_worker() {
  return {[](ping_atom) { return pong_atom::value; }};
}

child_spec peer_worker_spec(std::string id) {
  // The peer's spec: permanent, shutdown 5000, worker.
  return worker_spec(std::move(id), peer_worker);
}

// Supervisor flags of the peer: intensity 1e9 within 1 s (never trips).
supervisor_flags peer_flags(restart_strategy_ptr strategy) {
  supervisor_flags flags;
  flags.strategy = std::move(strategy);
  flags.intensity = 1000000000;
  flags.period = std::chrono::seconds{1};
  flags.reports = null_report_sink(); // the peer's canonical runs silence the logger
  return flags;
}

void run_w1(caf::actor_system& sys) {
  auto n = env_or("W1_N", 20000);
  auto warm = env_or("W1_WARM", 1000);
  progress(fmt::format("W1 (N={}, warm-up {})", n, warm));
  auto sup = start_supervisor(sys, peer_flags(one_for_one()), {peer_worker_spec("w")});
  if (!sup) {
    progress("W1: supervisor failed: " + render(sup.error()));
    std::exit(1);
  }
  std::size_t polls = 0;
  auto samples = time_restarts(sys, *sup, n, warm, polls);
  stop(*sup, caf::exit_reason::user_shutdown);
  json_line line{"W1", sys};
  line.add_str("history", "bounded")
    .add("warmup", warm)
    .add("polls_per_restart", static_cast<double>(polls) / static_cast<double>(n));
  add_latencies(line, samples).print();
}

// -- W1_floor: W1's messages on bare CAF ------------------------------------------
// W1's driver against the least a supervisor on CAF 0.17 can be: an actor that
// monitors its one child and, when it goes down, spawns the next, which says
// it is up before it handles anything (as a Kintsugi child's started message);
// it answers which_children with that child. No specs, strategies, intensity
// or reports. W1 minus this is what Kintsugi adds; this is what CAF costs.

using floor_up_atom = caf::atom_constant<caf::atom("floor_up")>;

struct floor_state {
  caf::actor child;
  bool up = false;
};

caf::behavior floor_child(caf::event_based_actor* self, const caf::actor& sup) {
  self->send(sup, floor_up_atom::value);
  return peer_worker();
}

caf::behavior floor_supervisor(caf::stateful_actor<floor_state>* self) {
  auto start = [self] {
    self->state.up = false;
    self->state.child = self->spawn(floor_child, caf::actor{self});
    self->monitor(self->state.child);
  };
  start();
  self->set_down_handler([self, start](caf::down_msg& msg) {
    if (msg.source == self->state.child)
      start();
  });
  return {
    [self](floor_up_atom) { self->state.up = true; },
    [self](which_children_atom) {
      std::vector<child_info> xs(1);
      xs[0].id = "w";
      if (self->state.up) {
        xs[0].actor = self->state.child;
        xs[0].status = child_info::state::running;
      }
      return xs;
    },
  };
}

void run_w1_floor(caf::actor_system& sys) {
  auto n = env_or("W1_N", 20000);
  auto warm = env_or("W1_WARM", 1000);
  progress(fmt::format("W1_floor (N={}, warm-up {})", n, warm));
  auto sup = sys.spawn(floor_supervisor);
  std::size_t polls = 0;
  caf::actor first;
  // The first child is up once the floor lists it.
  caf::scoped_actor self{sys};
  while (!first)
    self->request(sup, caf::infinite, which_children_atom::value)
      .receive([&](std::vector<child_info>& xs) { first = xs[0].actor; }, [](caf::error&) {});
  auto samples = drive<w1_state>(sys, w1_driver, [&](w1_state& st) {
    st.sup = sup;
    st.child = first;
    st.remaining = n;
    st.warmup = warm;
    st.polls_total = &polls;
  });
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  auto us = [](double ns) { return ns / 1000.0; };
  json_line line{"W1_floor", sys};
  line.add("polls_per_restart", static_cast<double>(polls) / static_cast<double>(n))
    .add("median_us", us(percentile(samples, 0.5)))
    .add("p99_us", us(percentile(samples, 0.99)))
    .add("mean_us", us(std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size()))
    .add("n", samples.size());
  line.print();
}

// -- W3 one_for_all_restart ----------------------------------------------------------
// 1000 children; crash child 500; poll which_children until all 1000 actors
// are new. 20 times.

struct w3_state : driver_state {
  std::size_t children = 0;
  std::unordered_set<caf::actor_id> old;
};

caf::behavior w3_driver(caf::stateful_actor<w3_state>* self) {
  auto poll = std::make_shared<std::function<void()>>();
  auto rep = std::make_shared<std::function<void()>>();
  *poll = [self, poll, rep] {
    self->request(self->state.sup, caf::infinite, which_children_atom::value)
      .then(
        [self, poll, rep](std::vector<child_info>& xs) {
          auto& st = self->state;
          auto fresh = std::count_if(xs.begin(), xs.end(), [&](const child_info& x) {
            return x.actor && st.old.count(x.actor.id()) == 0;
          });
          if (static_cast<std::size_t>(fresh) != st.children) {
            (*poll)();
            return;
          }
          st.samples_ns.push_back(ns_since(st.t0));
          --st.remaining;
          (*rep)();
        },
        [self](caf::error& err) { self->quit(err); });
  };
  *rep = [self, poll] {
    if (finished(self))
      return;
    auto& st = self->state;
    self->request(st.sup, caf::infinite, which_children_atom::value)
      .then(
        [self, poll](std::vector<child_info>& xs) {
          auto& st = self->state;
          st.old.clear();
          for (auto& x : xs)
            st.old.insert(x.actor.id());
          auto victim = xs[st.children / 2 - 1].actor; // id C div 2 of 1..C
          st.t0 = clock_type::now();
          self->send_exit(victim, caf::make_error(caf::sec::runtime_error, "crash"));
          (*poll)();
        },
        [self](caf::error& err) { self->quit(err); });
  };
  return {[rep](caf::ok_atom) { (*rep)(); }};
}

void run_w3(caf::actor_system& sys) {
  auto children = env_or("W3_CHILDREN", 1000);
  auto reps = env_or("W3_REPS", 20);
  progress(fmt::format("W3 ({} children x {})", children, reps));
  std::vector<child_spec> specs;
  for (std::size_t i = 1; i <= children; ++i)
    specs.push_back(peer_worker_spec(std::to_string(i)));
  auto sup = start_supervisor(sys, peer_flags(one_for_all()), std::move(specs));
  if (!sup) {
    progress("W3: supervisor failed: " + render(sup.error()));
    std::exit(1);
  }
  auto samples = drive<w3_state>(sys, w3_driver, [&](w3_state& st) {
    st.sup = *sup;
    st.children = children;
    st.remaining = reps;
  });
  stop(*sup, caf::exit_reason::user_shutdown, std::chrono::minutes{1});
  auto ms = [](double ns) { return ns / 1e6; };
  json_line line{"W3", sys};
  line.add("children", children)
    .add("median_ms", ms(percentile(samples, 0.5)))
    .add("min_ms", ms(samples.front()))
    .add("max_ms", ms(samples.back()))
    .add("n", samples.size());
  line.print();
}

// -- W2 dynamic_start + W5 memory_per_child --------------------------------------------
// One caller starts N idle children one after another from the dynamic
// supervisor's template (start_child(Sup, [])), then the supervisor is stopped
// with all N. W5: allocated memory before and after the starts, divided by N
// (the peer's erlang:memory(total) delta; here glibc's count of bytes in use,
// supervisor bookkeeping included), and the resident set's growth beside it.

struct w2_state : driver_state {};

caf::behavior w2_driver(caf::stateful_actor<w2_state>* self) {
  auto next = std::make_shared<std::function<void()>>();
  *next = [self, next] {
    if (finished(self))
      return;
    self->request(self->state.sup, caf::infinite, start_child_atom::value, caf::message{})
      .then(
        [self, next](caf::actor&) {
          --self->state.remaining;
          (*next)();
        },
        [self](caf::error& err) { self->quit(err); });
  };
  return {[next](caf::ok_atom) { (*next)(); }};
}

std::size_t allocated_bytes() {
  auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

std::size_t resident_bytes() {
  long pages = 0, resident = 0;
  if (auto f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

void run_w2_sized(caf::actor_system& sys, const char* label, std::size_t n, bool with_w5) {
  progress(fmt::format("{} dynamic_supervisor N={}", label, n));
  dynamic_supervisor_flags flags;
  flags.intensity = 1000000000;
  flags.period = std::chrono::seconds{1};
  flags.reports = null_report_sink();
  flags.child_template = peer_worker_spec("w");
  auto sup = start_dynamic_supervisor(sys, flags);
  if (!sup) {
    progress(fmt::format("{}: supervisor failed: {}", label, render(sup.error())));
    std::exit(1);
  }
  malloc_trim(0);
  auto m0 = allocated_bytes();
  auto r0 = resident_bytes();
  auto t0 = clock_type::now();
  drive<w2_state>(sys, w2_driver, [&](w2_state& st) {
    st.sup = *sup;
    st.remaining = n;
  });
  auto start_ns = ns_since(t0);
  auto m1 = allocated_bytes();
  auto r1 = resident_bytes();
  auto counts = count_children(*sup);
  if (!counts || counts->active != n) {
    progress(
      fmt::format("{}: {} children active, expected {}", label, counts ? counts->active : 0, n));
    std::exit(1);
  }
  auto t2 = clock_type::now();
  if (auto err = stop(*sup, caf::exit_reason::user_shutdown, std::chrono::minutes{5})) {
    progress(fmt::format("{}: stop failed: {}", label, render(err)));
    std::exit(1);
  }
  auto shutdown_ns = ns_since(t2);
  auto per_child = [n](std::size_t before, std::size_t after) {
    return (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(n);
  };
  json_line line{label, sys};
  line.add_str("variant", "dynamic_supervisor")
    .add("children_per_s", static_cast<double>(n) / (start_ns / 1e9))
    .add("start_ms", start_ns / 1e6)
    .add("shutdown_ms", shutdown_ns / 1e6)
    .add("n", n);
  line.print();
  if (with_w5) {
    json_line w5{"W5", sys};
    w5.add_str("variant", "dynamic_supervisor")
      .add("bytes_per_child", per_child(m0, m1))
      .add("rss_bytes_per_child", per_child(r0, r1))
      .add("n", n);
    w5.print();
  }
}

void run_w2(caf::actor_system& sys) {
  run_w2_sized(sys, "W2", env_or("W2_N", 100000), true);
  run_w2_sized(sys, "W2_small", env_or("W2_SMALL_N", 20000), false);
}

} // namespace

int main(int argc, char** argv) {
  const std::map<std::string, std::function<void(caf::actor_system&)>> workloads{
    {"W1", run_w1},
    {"W1_floor", run_w1_floor},
    {"W2", run_w2},
    {"W3", run_w3},
    {"W4", run_w4},
    {"W6", run_w6},
    {"W7", run_w7},
    {"W8", run_w8},
    {"W8_floor", run_w8_floor},
  };
  // Workload names, then CAF options (--scheduler.policy=stealing, ...) that
  // override Kintsugi's recommended settings, to measure others.
  std::vector<std::string> wanted;
  std::vector<std::string> caf_options;
  for (auto i = 1; i < argc; ++i)
    (std::string{argv[i]}.rfind("--", 0) == 0 ? caf_options : wanted).push_back(argv[i]);
  if (wanted.empty())
    for (auto& [name, fn] : workloads)
      wanted.push_back(name);
  for (auto& name : wanted)
    if (workloads.count(name) == 0) {
      std::fprintf(
        stderr,
        "kintsugi-bench: unknown workload %s (have: W1 W1_floor W2 W3 W4 W6 W7 W8 W8_floor)\n",
        name.c_str());
      return 2;
    }
  caf::actor_system_config cfg;
  if (auto err = cfg.parse(caf_options)) {
    std::fprintf(stderr, "kintsugi-bench: %s\n", cfg.render(err).c_str());
    return 2;
  }
  // W7 and W8 cross processes; the others run without CAF's network layer.
  if (std::any_of(wanted.begin(), wanted.end(), [](auto& x) { return x == "W7" || x == "W8"; }))
    cfg.load<caf::io::middleman>();
  configure(cfg);
  caf::actor_system sys{cfg};
  for (auto& name : wanted)
    workloads.at(name)(sys);
  return 0;
}
