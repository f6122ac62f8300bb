// W7 and W8: children in another process. W7 runs W1's restart loop on a
// child in its own OS process, crashed by a real SIGSEGV (the peer: a
// supervised gen_server whose port program kills itself with SIGSEGV). W8
// runs it on a child on a node in another process on loopback, crashed by an
// exit signal, and times request round trips to it (the peer: a child on
// another BEAM node, over Erlang distribution).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// -- W8_floor ----------------------------------------------------------------------------
// What any restart of a child on another process costs at least on this
// machine: by OTP's rules, a restart on a node is three round trips one after
// another (the exit signal there and the exit back, the spawn request and its
// answer, then W8's ping), and no protocol can make a round trip faster than
// two processes echoing 64 bytes over loopback TCP with plain blocking calls.

namespace {

// Echoes 64-byte messages on `fd` until it closes; async-signal-safe only,
// since it runs in a child forked from a program with threads.
[[noreturn]] void echo_forever(int fd) {
  char buf[64];
  for (;;) {
    std::size_t got = 0;
    while (got < sizeof(buf)) {
      auto n = read(fd, buf + got, sizeof(buf) - got);
      if (n <= 0)
        _exit(0);
      got += static_cast<std::size_t>(n);
    }
    if (write(fd, buf, sizeof(buf)) != static_cast<ssize_t>(sizeof(buf)))
      _exit(1);
  }
}

} // namespace

void run_w8_floor(caf::actor_system& sys) {
  auto n = env_or("W8_FLOOR_N", 20000);
  auto warm = env_or("W8_WARM", 1000);
  progress(fmt::format("W8_floor (N={}, warm-up {})", n, warm));
  auto fail = [](const char* what) {
    std::perror(what);
    std::exit(1);
  };
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || listen(listener, 1) != 0
      || getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    fail("W8_floor: listen");
  int one = 1;
  auto pid = fork();
  if (pid < 0)
    fail("W8_floor: fork");
  if (pid == 0) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      _exit(1);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    echo_forever(fd);
  }
  int fd = accept(listener, nullptr, nullptr);
  if (fd < 0)
    fail("W8_floor: accept");
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  char buf[64] = {};
  std::vector<double> samples;
  samples.reserve(n);
  for (std::size_t i = 0; i < warm + n; ++i) {
    auto t0 = clock_type::now();
    if (write(fd, buf, sizeof(buf)) != static_cast<ssize_t>(sizeof(buf)))
      fail("W8_floor: write");
    std::size_t got = 0;
    while (got < sizeof(buf)) {
      auto k = read(fd, buf + got, sizeof(buf) - got);
      if (k <= 0)
        fail("W8_floor: read");
      got += static_cast<std::size_t>(k);
    }
    if (i >= warm)
      samples.push_back(ns_since(t0));
  }
  close(fd);
  close(listener);
  waitpid(pid, nullptr, 0);
  std::sort(samples.begin(), samples.end());
  json_line line{"W8_floor", sys};
  add_latencies(line, samples)
    .add("restart_floor_us", 3 * percentile(samples, 0.5) / 1000.0)
    .print();
}

} // namespace kintsugi::bench
