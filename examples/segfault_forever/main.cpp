// A worker that segfaults every few seconds, restarted forever.
//
// The child "flaky" runs in its own OS process (kintsugi::in_os_process),
// which is this very program started again as a worker. Each worker answers
// a few requests, then dereferences a null pointer. In-process, that would
// end the whole program; here it ends only the worker, and the supervisor
// restarts it in a new process. The supervising program prints each restart
// and the worker's pid, and runs until Ctrl-C (or `--restarts N`).

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "kintsugi/kintsugi.hpp"
#include "kintsugi/process.hpp"

namespace {

using work_atom = caf::atom_constant<caf::atom("work")>;
using fault_atom = caf::atom_constant<caf::atom("fault")>;
using restarted_atom = caf::atom_constant<caf::atom("restarted")>;

caf::behavior flaky(caf::event_based_actor* self) {
  // A real bug: a few seconds in, a read through a null pointer.
  self->delayed_send(self, std::chrono::milliseconds{1500 + getpid() % 1500}, fault_atom::value);
  return {
    [](work_atom, int32_t x) { return x * 2; },
    [](fault_atom) {
      volatile int* nowhere = nullptr;
      std::printf("  worker %d: reading through a null pointer\n", getpid());
      std::fflush(stdout);
      return *nowhere;
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.add_actor_type("flaky", flaky);
  if (auto status = kintsugi::run_worker_if_asked(cfg))
    return *status;
  long wanted = argc == 3 && std::strcmp(argv[1], "--restarts") == 0 ? std::atol(argv[2]) : -1;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  kintsugi::configure(cfg);
  caf::actor_system sys{cfg};

  kintsugi::child_spec spec;
  spec.id = "flaky";
  spec.start = kintsugi::in_os_process({"flaky"});
  kintsugi::supervisor_flags flags;
  flags.name = "root";
  // One crash every few seconds stays well within 5 restarts in 10 s.
  flags.intensity = 5;
  flags.period = std::chrono::seconds{10};
  caf::scoped_actor self{sys};
  flags.reports = [main_actor{caf::actor{self}}](const kintsugi::report& r) {
    if (r.kind == kintsugi::report_kind::child_exited)
      std::printf("  %s\n", kintsugi::render(r.reason).c_str());
    if (r.kind == kintsugi::report_kind::child_restarted)
      caf::anon_send(main_actor, restarted_atom::value);
  };
  auto sup = kintsugi::start_supervisor(sys, flags, {spec});
  if (!sup) {
    std::fprintf(stderr, "cannot start: %s\n", kintsugi::render(sup.error()).c_str());
    return 1;
  }
  std::printf("supervising; Ctrl-C to stop\n");
  long restarts = 0;
  while (wanted < 0 || restarts < wanted) {
    auto children = kintsugi::which_children(*sup);
    if (!children || children->empty() || !children->front().actor)
      break;
    auto worker = children->front().actor;
    auto twice = kintsugi::call<int32_t>(worker, std::chrono::seconds{5}, work_atom::value, 21);
    auto answer = twice ? std::to_string(*twice) : kintsugi::render(twice.error());
    std::printf("worker up, answered %s; waiting for its crash\n", answer.c_str());
    self->receive([&](restarted_atom) { ++restarts; });
    std::printf("restart %ld\n", restarts);
  }
  kintsugi::stop(*sup, caf::exit_reason::user_shutdown);
  return 0;
}
