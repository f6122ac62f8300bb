// A small supervision tree that shows a crash and a restart:
//
//   root (one_for_one)
//   ├── clock           a worker that counts ticks
//   └── jobs (rest_for_one)
//       ├── queue       a worker that holds jobs
//       └── runner      a worker that depends on the queue
//
// The demo crashes the queue with an exception: the jobs supervisor restarts
// it and, by rest_for_one, the runner that depends on it; the clock is not
// touched. Then the root is stopped, and the tree goes down in reverse order.

#include <cstdio>
#include <stdexcept>
#include <string>

#include <caf/all.hpp>
#include <fmt/core.h>

#include "kintsugi/kintsugi.hpp"

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;
using boom_atom = caf::atom_constant<caf::atom("boom")>;

caf::behavior clock_worker(caf::stateful_actor<int>* self) {
  return {[self](tick_atom) { return ++self->state; }};
}

caf::behavior queue_worker(caf::event_based_actor*) {
  return {
    [](tick_atom) { return 0; },
    [](boom_atom) -> int { throw std::runtime_error("queue corrupted"); },
  };
}

caf::behavior runner_worker(caf::event_based_actor*) {
  return {[](tick_atom) { return 0; }};
}

void show(const char* title, const caf::actor& sup) {
  std::printf("  %s\n", title);
  auto children = kintsugi::which_children(sup);
  if (!children) {
    std::printf("    (%s)\n", kintsugi::render(children.error()).c_str());
    return;
  }
  for (auto& child : *children)
    std::printf("    %-8s %-11s %-10s %s\n", child.id.c_str(), kintsugi::to_string(child.type),
                kintsugi::to_string(child.status),
                child.actor ? fmt::format("actor #{}", child.actor.id()).c_str() : "-");
}

} // namespace

int main() {
  // Line-buffered, so that the demo's lines and the reports on stderr
  // appear in the order they happen.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  caf::actor_system_config cfg;
  kintsugi::configure(cfg);
  caf::actor_system sys{cfg};

  kintsugi::supervisor_flags jobs_flags;
  jobs_flags.strategy = kintsugi::rest_for_one();
  kintsugi::supervisor_flags root_flags;
  root_flags.name = "root";

  std::printf("1. Starting the tree: each child is up before the next starts.\n");
  auto root = kintsugi::start_supervisor(
    sys, root_flags,
    {kintsugi::worker_spec("clock", clock_worker),
     kintsugi::supervisor_spec("jobs", jobs_flags,
                               {kintsugi::worker_spec("queue", queue_worker),
                                kintsugi::worker_spec("runner", runner_worker)})});
  if (!root) {
    std::fprintf(stderr, "the tree failed to start: %s\n", kintsugi::render(root.error()).c_str());
    return 1;
  }
  show("root:", *root);
  auto jobs = (*kintsugi::which_children(*root))[1].actor;
  show("jobs:", jobs);

  std::printf("\n2. Crashing the queue with an exception (the supervisor reports on stderr).\n");
  auto queue = (*kintsugi::which_children(jobs))[0].actor;
  caf::scoped_actor self{sys};
  self->monitor(queue);
  self->send(queue, boom_atom::value);
  self->receive([](caf::down_msg& down) {
    std::printf("  the queue died: %s\n", kintsugi::render(down.reason).c_str());
  });
  // A call behind the restart in the supervisor's job queue answers once the
  // restart is done; no sleeping.
  auto err = kintsugi::restart_child(jobs, "queue").error();
  std::printf("  restart_child(queue) answers %s: it was restarted already\n",
              kintsugi::render(err).c_str());
  show("jobs after the restart (queue and runner are new actors):", jobs);
  show("root (the clock was not touched):", *root);

  std::printf("\n3. Stopping the root: the tree goes down in reverse start order.\n");
  if (auto stop_err = kintsugi::stop(*root, caf::exit_reason::user_shutdown)) {
    std::fprintf(stderr, "stop failed: %s\n", kintsugi::render(stop_err).c_str());
    return 1;
  }
  std::printf("  stopped.\n");
  return 0;
}
