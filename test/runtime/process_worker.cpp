// The program process_test runs its isolated children in, and node_test its
// nodes. As a worker it runs the types registered below. Run as
// `process_worker supervise N`, it is a supervising program with N isolated
// children (itself as their worker): it prints each child's worker pid on a
// line, then "ready", and waits to be killed. Run as `process_worker node
// PORT SECRET [CERTIFICATE KEY AUTHORITY]`, it is a node (over TLS with those
// files): it prints "listening PORT" and serves until it is killed; its
// "tally" actors print "spawned ID" and "ended ID".

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "kintsugi/kintsugi.hpp"
#include "kintsugi/node.hpp"
#include "kintsugi/process.hpp"
#include "process_worker.hpp"

using namespace kintsugi::test::process;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;

// Answers, and fails in any way it is told to.
caf::behavior victim() {
  return {
    [](ping_atom) { return pong_atom::value; },
    [](pid_atom) { return static_cast<int32_t>(getpid()); },
    [](segv_atom) { raise(SIGSEGV); },
    [](abort_atom) { std::abort(); },
    [](terminate_atom) { std::terminate(); },
    [](exit_atom, int32_t status) { _exit(status); },
    [](hang_atom) {
      for (;;)
        pause();
    },
    [](hog_atom) {
      std::vector<char*> held;
      for (;;) {
        auto chunk = new char[16 << 20];
        for (std::size_t i = 0; i < (16u << 20); i += 4096)
          chunk[i] = 1;
        held.push_back(chunk);
      }
    },
    [](spin_atom) {
      volatile uint64_t n = 0;
      for (;;)
        n = n + 1;
    },
    [](limits_atom) {
      auto soft = [](int resource) {
        rlimit lim;
        getrlimit(resource, &lim);
        return static_cast<uint64_t>(lim.rlim_cur);
      };
      return caf::make_message(soft(RLIMIT_AS), soft(RLIMIT_CPU), soft(RLIMIT_NOFILE));
    },
  };
}

// Its identity comes from its arguments.
caf::behavior labelled(std::string prefix, int32_t n) {
  return {
    [=](caf::get_atom) { return prefix + std::to_string(n); },
    [](pid_atom) { return static_cast<int32_t>(getpid()); },
  };
}

// Ignores exit signals: only a kill ends it.
caf::behavior stubborn(caf::event_based_actor* self) {
  self->set_exit_handler([](caf::exit_msg&) {});
  return {
    [](pid_atom) { return static_cast<int32_t>(getpid()); },
  };
}

// A victim that says when it starts and ends, on stdout.
caf::behavior tally(caf::event_based_actor* self) {
  std::printf("spawned %llu\n", static_cast<unsigned long long>(self->id()));
  std::fflush(stdout);
  self->attach_functor([id{self->id()}] {
    std::printf("ended %llu\n", static_cast<unsigned long long>(id));
    std::fflush(stdout);
  });
  return victim();
}

caf::behavior failing_init(caf::event_based_actor*) {
  throw std::runtime_error("no database");
}

int supervise(caf::actor_system_config& cfg, int children) {
  kintsugi::configure(cfg);
  caf::actor_system sys{cfg};
  std::vector<kintsugi::child_spec> specs;
  for (int i = 0; i < children; ++i) {
    kintsugi::child_spec spec;
    spec.id = "victim" + std::to_string(i);
    spec.start = kintsugi::in_os_process({"victim"});
    specs.push_back(std::move(spec));
  }
  kintsugi::supervisor_flags flags;
  flags.reports = kintsugi::null_report_sink();
  auto sup = kintsugi::start_supervisor(sys, flags, std::move(specs));
  if (!sup)
    return 1;
  auto infos = kintsugi::which_children(*sup);
  if (!infos)
    return 1;
  for (auto& info : *infos) {
    auto pid = kintsugi::call<int32_t>(info.actor, std::chrono::seconds{30}, pid_atom::value);
    if (!pid)
      return 1;
    std::cout << *pid << std::endl;
  }
  std::cout << "ready" << std::endl;
  for (;;)
    pause();
}

int serve_as_node(caf::actor_system_config& cfg, int port, std::string secret,
                  const kintsugi::tls_options* tls) {
  if (tls) {
    if (auto err = kintsugi::use_tls(cfg, *tls)) {
      std::cerr << kintsugi::render(err) << std::endl;
      return 1;
    }
  }
  caf::actor_system sys{cfg};
  kintsugi::node_options options;
  options.secret = std::move(secret);
  options.port = static_cast<uint16_t>(port);
  options.tls = tls != nullptr;
  auto listening = kintsugi::serve_node(sys, options);
  if (!listening) {
    std::cerr << kintsugi::render(listening.error()) << std::endl;
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(*listening));
  std::fflush(stdout);
  for (;;)
    pause();
}

} // namespace

int main(int argc, char** argv) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.add_actor_type("victim", victim);
  cfg.add_actor_type("labelled", labelled);
  cfg.add_actor_type("stubborn", stubborn);
  cfg.add_actor_type("failing_init", failing_init);
  cfg.add_actor_type("tally", tally);
  if (auto status = kintsugi::run_worker_if_asked(cfg))
    return *status;
  if (argc == 3 && std::string{argv[1]} == "supervise")
    return supervise(cfg, std::atoi(argv[2]));
  if (argc == 4 && std::string{argv[1]} == "node")
    return serve_as_node(cfg, std::atoi(argv[2]), argv[3], nullptr);
  if (argc == 7 && std::string{argv[1]} == "node") {
    kintsugi::tls_options tls;
    tls.certificate = argv[4];
    tls.key = argv[5];
    tls.authority = argv[6];
    return serve_as_node(cfg, std::atoi(argv[2]), argv[3], &tls);
  }
  std::cerr << "usage: process_worker supervise N (or run as a Kintsugi worker)\n";
  return 64;
}
