// A worker's side of a process child: see kintsugi/process.hpp, and
// worker_protocol.hpp for what it says.

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/process.hpp"
#include "worker_protocol.hpp"

namespace kintsugi {

namespace {

using namespace detail;

// Exit statuses of a worker that never ran its actor (sysexits.h's).
constexpr int status_usage = 64;
constexpr int status_unavailable = 69;
constexpr int status_os_error = 71;

// How long the worker waits for the child to take its last words: a child
// that is gone by then learns the end from the process's exit instead.
constexpr auto last_words_timeout = std::chrono::seconds{5};

int fail(int status, const std::string& why) {
  fmt::print(stderr, "kintsugi worker {}: {}\n", getpid(), why);
  return status;
}

bool limit(int resource, uint64_t value) {
  if (value == 0)
    return true;
  rlimit lim;
  lim.rlim_cur = value;
  // A soft CPU limit sends SIGXCPU; the hard one, a second later, SIGKILL.
  lim.rlim_max = resource == RLIMIT_CPU ? value + 1 : value;
  return setrlimit(resource, &lim) == 0;
}

// The worker must not outlive the program that launched it, even one killed
// with SIGKILL, which closes no connection in time to matter.
bool follow_parent(int64_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
    return false;
  // The parent may have died before the line above.
  return getppid() == parent;
}

int serve(caf::actor_system& sys, const worker_assignment& job) {
  auto child = sys.middleman().remote_actor("127.0.0.1", job.port);
  if (!child)
    return fail(status_unavailable,
                "cannot connect to its supervisor: " + sys.render(child.error()));
  caf::scoped_actor self{sys};
  self->monitor(*child);
  std::string type;
  caf::message args;
  caf::error refused;
  self
    ->request(*child, std::chrono::seconds{30}, worker_hello_atom::value, job.secret,
              static_cast<int64_t>(getpid()))
    .receive(
      [&](std::string& t, caf::message& a) {
        type = std::move(t);
        args = std::move(a);
      },
      [&](caf::error& err) { refused = std::move(err); });
  if (refused)
    return fail(status_unavailable, "its supervisor refused it: " + sys.render(refused));
  auto last_words = [&](auto... xs) {
    self->request(*child, last_words_timeout, xs...)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  };
  auto what = fmt::format("cannot spawn {} with {}", type, caf::to_string(args));
  auto actor = sys.spawn<caf::actor>(type, std::move(args));
  if (!actor) {
    // CAF's code, with what could not be spawned.
    auto& err = actor.error();
    last_words(worker_failed_atom::value,
               caf::error{err.code(), err.category(), caf::make_message(what)});
    return fail(status_usage, what + ": " + sys.render(err));
  }
  self->monitor(*actor);
  // CAF answers this only once the actor has run its init.
  bool up = false;
  self
    ->request(*actor, caf::infinite, caf::sys_atom::value, caf::get_atom::value,
              std::string{"info"})
    .receive([&](caf::ok_atom, std::string&, caf::strong_actor_ptr&, std::string&) { up = true; },
             [](caf::error&) {});
  if (up)
    self->send(*child, worker_ready_atom::value, *actor);
  for (;;) {
    caf::down_msg down;
    self->receive([&](caf::down_msg& msg) { down = std::move(msg); });
    if (down.source == actor->address()) {
      last_words(worker_ended_atom::value, down.reason);
      return 0;
    }
    if (down.source == child->address()) {
      // Its supervisor is gone: so is the reason to run.
      self->send_exit(*actor, caf::exit_reason::kill);
      return fail(status_unavailable, "lost its supervisor");
    }
  }
}

} // namespace

std::optional<int> run_worker_if_asked(caf::actor_system_config& cfg) {
  auto text = std::getenv(worker_variable);
  if (text == nullptr)
    return std::nullopt;
  auto job = decode_assignment(text);
  // What this process starts is not a worker of this one.
  unsetenv(worker_variable);
  if (!job)
    return fail(status_usage, std::string{worker_variable} + " is malformed");
  if (!follow_parent(job->parent))
    return fail(status_unavailable, "its supervising program is gone");
  if (!limit(RLIMIT_AS, job->address_space) || !limit(RLIMIT_CPU, job->cpu_seconds)
      || !limit(RLIMIT_NOFILE, job->open_files))
    return fail(status_os_error,
                std::string{"cannot set its resource limits: "} + std::strerror(errno));
  caf::actor_system sys{cfg};
  if (!sys.has_middleman())
    return fail(status_usage, "its configuration lacks CAF's middleman");
  return serve(sys, *job);
}

} // namespace kintsugi
