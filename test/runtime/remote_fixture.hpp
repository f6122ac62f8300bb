#pragma once

// What the tests of children in other processes (process_test.cpp) and on
// other nodes (node_test.cpp) share: a live actor system with the
// middleman, captured reports, and waits for events that fail the test after
// `patience` instead of hanging.

#include <errno.h>
#include <signal.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/io/all.hpp>

#include "fixture.hpp"
#include "kintsugi/node.hpp"
#include "kintsugi/process.hpp"
#include "process_worker.hpp"

namespace kintsugi::test {

constexpr auto patience = std::chrono::seconds{60};

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif

// The sanitizers' own handlers would turn a signal into a report and exit
// status 1; the tests want the signal itself.
inline std::vector<std::string> sanitizer_environment() {
  std::vector<std::string> result;
  for (auto name : {"ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS"}) {
    std::string value = std::getenv(name) ? std::getenv(name) : "";
    result.push_back(std::string{name} + "=" + value + (value.empty() ? "" : ":")
                     + "handle_segv=0:handle_abort=0:handle_sigbus=0:handle_sigfpe=0"
                       ":handle_sigill=0");
  }
  return result;
}

inline process_options worker(std::string type, caf::message args = {}) {
  process_options options;
  options.actor_type = std::move(type);
  options.args = std::move(args);
  options.program = PROCESS_WORKER;
  options.environment = sanitizer_environment();
  options.heartbeat_interval = std::chrono::milliseconds{200};
  // Generous: a sanitized worker under load is slow, not hung.
  options.heartbeat_timeout = std::chrono::seconds{20};
  return options;
}

inline child_spec isolated(std::string id, process_options options) {
  child_spec spec;
  spec.id = std::move(id);
  spec.start = in_os_process(std::move(options));
  return spec;
}

inline bool process_gone(int32_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

struct remote_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    live_fixture::prepare(cfg);
    cfg.load<caf::io::middleman>();
    return cfg;
  }

  remote_fixture() : sys(prepare(cfg)) {
  }

  /// `more` finishes the configuration before the actor system is made.
  template <class F>
  explicit remote_fixture(F more) : sys((more(prepare(cfg)), cfg)) {
  }

  ~remote_fixture() {
    sys.registry().await_running_count_equal(0);
  }

  supervisor_flags flags(int intensity = 10) {
    supervisor_flags f;
    f.name = "sup";
    f.intensity = intensity;
    f.period = std::chrono::seconds{60};
    f.reports = [this](const report& r) {
      std::lock_guard<std::mutex> guard{mtx};
      reports.push_back(r);
      changed.notify_all();
    };
    return f;
  }

  // Waits until `pred` holds over the reports received so far.
  template <class Pred>
  void await_reports(Pred pred, const std::string& what) {
    std::unique_lock<std::mutex> guard{mtx};
    BOOST_REQUIRE_MESSAGE(changed.wait_for(guard, patience, [&] { return pred(reports); }),
                          "no " << what << " within " << patience.count() << " s");
  }

  std::size_t count(const std::vector<report>& xs, report_kind kind, const std::string& id) {
    std::size_t n = 0;
    for (auto& r : xs)
      if (r.kind == kind && r.child_id == id)
        ++n;
    return n;
  }

  // The last reason child `id` exited with, once it has been restarted `n`
  // times in all.
  caf::error await_restart(const std::string& id, std::size_t n) {
    caf::error reason;
    await_reports(
      [&](const std::vector<report>& xs) {
        if (count(xs, report_kind::child_restarted, id) < n)
          return false;
        for (auto& r : xs)
          if (r.kind == report_kind::child_exited && r.child_id == id)
            reason = r.reason;
        return true;
      },
      "restart of " + id);
    return reason;
  }

  caf::actor child(const caf::actor& sup, const std::string& id) {
    auto infos = which_children(sup);
    BOOST_REQUIRE(infos);
    for (auto& info : *infos)
      if (info.id == id)
        return info.actor;
    return {};
  }

  int32_t pid_of(const caf::actor& who) {
    auto pid = call<int32_t>(who, patience, process::pid_atom::value);
    if (!pid)
      BOOST_FAIL(render(pid.error()));
    return *pid;
  }

  caf::actor start(std::vector<child_spec> specs) {
    auto sup = start_supervisor(sys, flags(), std::move(specs));
    if (!sup)
      BOOST_FAIL(render(sup.error()));
    return *sup;
  }

  void exit_signal(const caf::actor& who, caf::error reason) {
    caf::scoped_actor self{sys};
    self->send_exit(who, std::move(reason));
  }

  /// Child `id` of `sup` runs in process `pid` and answers; an exit signal
  /// makes its supervisor restart it there.
  void crash_and_see_it_restarted_in(const caf::actor& sup, const std::string& id, pid_t pid) {
    auto child_actor = child(sup, id);
    BOOST_TEST(pid_of(child_actor) == pid);
    BOOST_TEST(*call<pong_atom>(child_actor, patience, ping_atom::value) == pong_atom::value);
    exit_signal(child_actor, caf::make_error(caf::sec::runtime_error, "bad input"));
    auto reason = await_restart(id, 1);
    BOOST_TEST(reason == caf::sec::runtime_error, render(reason));
    BOOST_TEST(pid_of(child(sup, id)) == pid);
  }

  void stop_and_wait(const caf::actor& sup) {
    caf::scoped_actor self{sys};
    self->monitor(sup);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {});
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::mutex mtx;
  std::condition_variable changed;
  std::vector<report> reports;
};

/// A program run by a test with the sanitizers' settings of
/// `sanitizer_environment`, its stdout read line by line.
class test_program {
public:
  explicit test_program(std::vector<std::string> args);
  /// Kills it with SIGKILL unless it has ended, and reaps it.
  ~test_program();

  pid_t pid() const noexcept {
    return pid_;
  }

  /// Waits until `pred` holds over the lines read so far, and returns them.
  template <class Pred>
  std::vector<std::string> await_lines(Pred pred, const std::string& what) {
    std::unique_lock<std::mutex> guard{mtx_};
    BOOST_REQUIRE_MESSAGE(changed_.wait_for(guard, patience, [&] { return pred(lines_); }),
                          "no " << what << " within " << patience.count() << " s");
    return lines_;
  }

  /// How many lines so far start with `prefix`.
  std::size_t count(const std::string& prefix);

  /// Kills it with SIGKILL and reaps it.
  void kill();

private:
  pid_t pid_ = 0;
  bool reaped_ = false;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  std::mutex mtx_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

/// The nodes' secret in the tests.
inline const std::string node_secret = "correct horse battery staple";

/// A node on 127.0.0.1 (`process_worker node`): `port` 0 picks one; `extra`
/// follows the secret on its command line.
class test_node {
public:
  explicit test_node(uint16_t port = 0, std::vector<std::string> extra = {});

  node_address address() const {
    return {"127.0.0.1", port_};
  }
  uint16_t port() const {
    return port_;
  }
  pid_t pid() const {
    return program_->pid();
  }
  test_program& program() {
    return *program_;
  }
  void kill() {
    program_->kill();
  }

  /// Waits until `n` of its lines start with `what` and a space.
  void await(const std::string& what, std::size_t n);

private:
  std::unique_ptr<test_program> program_;
  uint16_t port_ = 0;
};

/// Options for a "tally" (or `type`) child on `nodes`.
remote_options on(std::vector<node_address> nodes, std::string type = "tally");

/// A child spec whose start is `on_node(options)`.
child_spec remote(std::string id, remote_options options);

} // namespace kintsugi::test
