// W7 and W8: children in another process. W7 runs W1's restart loop on a
// child in its own OS process, crashed by a real SIGSEGV (the peer: a
// supervised gen_server whose port program kills itself with SIGSEGV). W8
// runs it on a child on a node in another process on loopback, crashed by an
// exit signal, and times request round trips to it (the peer: a child on
// another BEAM node, over Erlang distribution).

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <fmt/core.h>

#include "bench_support.hpp"
#include "kintsugi/kintsugi.hpp"
#include "kintsugi/node.hpp"
#include "kintsugi/process.hpp"
#include "remote_workloads.hpp"
#include "restart_driver.hpp"

extern char** environ;

namespace kintsugi::bench {

namespace {

// kintsugi-bench-peer, beside this program.
std::string peer_program() {
  char self[4096];
  auto n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0)
    return "kintsugi-bench-peer";
  std::string path{self, static_cast<std::size_t>(n)};
  return path.substr(0, path.rfind('/') + 1) + "kintsugi-bench-peer";
}

supervisor_flags bench_flags() {
  // The peer's flags: never trips.
  supervisor_flags flags;
  flags.intensity = 1000000000;
  flags.period = std::chrono::seconds{1};
  flags.reports = null_report_sink();
  return flags;
}

caf::actor start_or_exit(caf::actor_system& sys, child_spec spec, const char* workload) {
  auto sup = start_supervisor(sys, bench_flags(), {std::move(spec)});
  if (!sup) {
    progress(fmt::format("{}: supervisor failed: {}", workload, render(sup.error())));
    std::exit(1);
  }
  return *sup;
}

// A node in another process, killed when this goes.
struct node_process {
  pid_t pid = 0;
  uint16_t port = 0;

  explicit node_process(const std::string& secret) {
    int out[2];
    if (pipe(out) != 0)
      std::exit(1);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    auto program = peer_program();
    std::string node = "node";
    std::string any_port = "0";
    auto key = secret;
    char* argv[] = {program.data(), node.data(), any_port.data(), key.data(), nullptr};
    if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ) != 0) {
      progress("cannot run " + program);
      std::exit(1);
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    auto in = fdopen(out[0], "r");
    unsigned listening = 0;
    if (std::fscanf(in, "listening %u", &listening) != 1) {
      progress("the node did not start");
      std::exit(1);
    }
    fclose(in);
    port = static_cast<uint16_t>(listening);
  }

  ~node_process() {
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }
};

// -- W8's round trips -----------------------------------------------------------------

struct rtt_state : driver_state {
  caf::actor dest;
};

caf::behavior rtt_driver(caf::stateful_actor<rtt_state>* self) {
  auto step = std::make_shared<std::function<void()>>();
  *step = [self, step] {
    if (finished(self))
      return;
    self->state.t0 = clock_type::now();
    self->request(self->state.dest, caf::infinite, ping_atom::value)
      .then(
        [self, step](pong_atom) {
          self->state.samples_ns.push_back(ns_since(self->state.t0));
          --self->state.remaining;
          (*step)();
        },
        [self](caf::error& err) { self->quit(err); });
  };
  return {[step](caf::ok_atom) { (*step)(); }};
}

} // namespace

void run_w7(caf::actor_system& sys) {
  auto n = env_or("W7_N", 200);
  auto warm = env_or("W7_WARM", 10);
  progress(fmt::format("W7 (N={}, warm-up {})", n, warm));
  process_options options;
  options.actor_type = "bench_child";
  options.program = peer_program();
  child_spec spec;
  spec.id = "w";
  spec.start = in_os_process(options);
  auto sup = start_or_exit(sys, spec, "W7");
  std::size_t polls = 0;
  auto samples = time_restarts(sys, sup, n, warm, polls,
                               [](caf::event_based_actor* self, const caf::actor& child) {
                                 self->send(child, segv_atom::value);
                               });
  stop(sup, caf::exit_reason::user_shutdown);
  json_line line{"W7", sys};
  line.add("warmup", warm)
    .add("polls_per_restart", static_cast<double>(polls) / static_cast<double>(n));
  add_latencies(line, samples).print();
}

void run_w8(caf::actor_system& sys) {
  auto n = env_or("W8_N", 1000);
  auto warm = env_or("W8_WARM", 50);
  auto trips = env_or("W8_RTT_N", 10000);
  progress(fmt::format("W8 (N={}, warm-up {}, {} round trips)", n, warm, trips));
  const std::string secret = "kintsugi-bench-w8-secret";
  node_process node{secret};
  remote_options options;
  options.actor_type = "bench_child";
  options.secret = secret;
  options.nodes = {{"127.0.0.1", node.port}};
  child_spec spec;
  spec.id = "w";
  spec.start = on_node(options);
  auto sup = start_or_exit(sys, spec, "W8");
  std::size_t polls = 0;
  auto samples = time_restarts(sys, sup, n, warm, polls);
  json_line line{"W8", sys};
  line.add("warmup", warm)
    .add("polls_per_restart", static_cast<double>(polls) / static_cast<double>(n));
  add_latencies(line, samples).print();
  auto child = (*which_children(sup))[0].actor;
  auto rtts = drive<rtt_state>(sys, rtt_driver, [&](rtt_state& st) {
    st.dest = child;
    st.remaining = trips;
  });
  json_line rtt{"W8_rtt", sys};
  add_latencies(rtt, rtts).print();
  stop(sup, caf::exit_reason::user_shutdown);
}

} // namespace kintsugi::bench
