// Children in their own OS process (kintsugi/process.hpp), run in the
// process_worker program. Real processes on a live scheduler: every wait
// here is for an event (a report, a reply, a process's end), bounded only so
// that a broken build fails instead of hanging.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include <caf/io/all.hpp>

#include "fixture.hpp"
#include "kintsugi/process.hpp"
#include "process_worker.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace kintsugi::test::process;
using namespace std::chrono_literals;

namespace {

constexpr auto patience = 60s;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

// The sanitizers' own handlers would turn a signal into a report and exit
// status 1; the tests want the signal itself.
std::vector<std::string> sanitizer_environment() {
  std::vector<std::string> result;
  for (auto name : {"ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS"}) {
    std::string value = std::getenv(name) ? std::getenv(name) : "";
    result.push_back(std::string{name} + "=" + value + (value.empty() ? "" : ":")
                     + "handle_segv=0:handle_abort=0:handle_sigbus=0:handle_sigfpe=0"
                       ":handle_sigill=0");
  }
  return result;
}

process_options worker(std::string type, caf::message args = {}) {
  process_options options;
  options.actor_type = std::move(type);
  options.args = std::move(args);
  options.program = PROCESS_WORKER;
  options.environment = sanitizer_environment();
  options.heartbeat_interval = 200ms;
  // Generous: a sanitized worker under load is slow, not hung.
  options.heartbeat_timeout = 20s;
  return options;
}

child_spec isolated(std::string id, process_options options) {
  child_spec spec;
  spec.id = std::move(id);
  spec.start = in_os_process(std::move(options));
  return spec;
}

bool process_gone(int32_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

struct process_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    live_fixture::prepare(cfg);
    cfg.load<caf::io::middleman>();
    return cfg;
  }

  process_fixture() : sys(prepare(cfg)) {
  }

  ~process_fixture() {
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
    auto pid = call<int32_t>(who, patience, pid_atom::value);
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

// Crashes the isolated child "victim" of `sup` with `crash` and checks that
// it is restarted in a new process with `code`, its sibling untouched.
template <class... Ts>
void crash_and_restart(process_fixture& f, std::size_t nth, errc code, const std::string& text,
                       Ts... crash) {
  auto sup = f.start({isolated("victim", worker("victim")), worker_child("sibling")});
  auto sibling = f.child(sup, "sibling");
  auto victim = f.child(sup, "victim");
  auto before = f.pid_of(victim);
  caf::anon_send(victim, crash...);
  auto reason = f.await_restart("victim", nth);
  BOOST_TEST(reason == code, render(reason));
  BOOST_TEST(render(reason).find(text) != std::string::npos, render(reason));
  auto after = f.pid_of(f.child(sup, "victim"));
  BOOST_TEST(after != before);
  BOOST_TEST(process_gone(before));
  BOOST_TEST(f.child(sup, "sibling") == sibling);
  BOOST_TEST(succeeded(call<pong_atom>(sibling, patience, ping_atom::value)));
  f.stop_and_wait(sup);
  BOOST_TEST(process_gone(after));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(process, process_fixture)

BOOST_AUTO_TEST_CASE(a_segfault_ends_only_the_childs_process_and_it_is_restarted) {
  crash_and_restart(*this, 1, errc::process_crashed, "SIGSEGV", segv_atom::value);
}

BOOST_AUTO_TEST_CASE(an_abort_is_a_crash_named_by_its_signal) {
  crash_and_restart(*this, 1, errc::process_crashed, "SIGABRT", abort_atom::value);
}

BOOST_AUTO_TEST_CASE(std_terminate_is_a_crash_too) {
  crash_and_restart(*this, 1, errc::process_crashed, "SIGABRT", terminate_atom::value);
}

BOOST_AUTO_TEST_CASE(an_exit_of_the_worker_is_an_abnormal_exit_with_its_status) {
  crash_and_restart(*this, 1, errc::process_exited, "exit status 3", exit_atom::value, int32_t{3});
}

BOOST_AUTO_TEST_CASE(a_hung_child_misses_its_heartbeat_and_is_killed_and_restarted) {
  auto options = worker("victim");
  options.heartbeat_timeout = 500ms;
  auto sup = start({isolated("victim", options)});
  auto before = pid_of(child(sup, "victim"));
  caf::anon_send(child(sup, "victim"), hang_atom::value);
  auto reason = await_restart("victim", 1);
  BOOST_TEST(reason == errc::process_unresponsive, render(reason));
  BOOST_TEST(process_gone(before));
  BOOST_TEST(pid_of(child(sup, "victim")) != before);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(the_limits_apply_in_the_worker) {
  auto options = worker("victim");
  options.limits.cpu_time = 100s;
  options.limits.open_files = 200;
  if (!sanitized)
    options.limits.address_space = uint64_t{8} << 30;
  auto sup = start({isolated("victim", options)});
  caf::scoped_actor self{sys};
  bool answered = false;
  self->request(child(sup, "victim"), patience, limits_atom::value)
    .receive(
      [&](uint64_t address_space, uint64_t cpu, uint64_t files) {
        answered = true;
        if (!sanitized)
          BOOST_TEST(address_space == uint64_t{8} << 30);
        BOOST_TEST(cpu == 100u);
        BOOST_TEST(files == 200u);
      },
      [](caf::error& err) { BOOST_FAIL(render(err)); });
  BOOST_TEST(answered);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_child_that_allocates_without_bound_is_stopped_and_restarted) {
  auto options = worker("victim");
  // The sanitizers reserve terabytes of address space, so there the
  // sanitizer's own RSS limit stands in for RLIMIT_AS.
  if (sanitized)
    for (auto& var : options.environment)
      var += ":hard_rss_limit_mb=512";
  else
    options.limits.address_space = uint64_t{1} << 30;
  auto sup = start({isolated("victim", options)});
  auto before = pid_of(child(sup, "victim"));
  caf::anon_send(child(sup, "victim"), hog_atom::value);
  auto reason = await_restart("victim", 1);
  BOOST_TEST(!is_normal_exit(reason), render(reason));
  BOOST_TEST(pid_of(child(sup, "victim")) != before);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_child_past_its_cpu_limit_gets_sigxcpu_and_is_restarted) {
  auto options = worker("victim");
  options.limits.cpu_time = 1s;
  // Spinning, it cannot answer heartbeats either: give the CPU limit time.
  options.heartbeat_timeout = 600s;
  auto sup = start({isolated("victim", options)});
  caf::anon_send(child(sup, "victim"), spin_atom::value);
  auto reason = await_restart("victim", 1);
  BOOST_TEST(reason == errc::process_crashed, render(reason));
  BOOST_TEST(render(reason).find("SIGXCPU") != std::string::npos, render(reason));
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(an_exit_signal_reaches_the_actor_in_the_worker_with_its_reason) {
  auto sup = start({isolated("victim", worker("victim"))});
  auto victim = child(sup, "victim");
  auto before = pid_of(victim);
  exit_signal(victim, caf::make_error(caf::sec::runtime_error, "bad input"));
  auto reason = await_restart("victim", 1);
  BOOST_TEST(reason == caf::sec::runtime_error, render(reason));
  BOOST_TEST(process_gone(before));
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_stubborn_child_is_killed_when_its_shutdown_timeout_passes) {
  auto spec = isolated("stubborn", worker("stubborn"));
  spec.shutdown = shutdown_policy::timeout(300ms);
  auto sup = start({spec});
  auto pid = pid_of(child(sup, "stubborn"));
  stop_and_wait(sup);
  BOOST_TEST(process_gone(pid));
}

BOOST_AUTO_TEST_CASE(the_management_calls_work_on_isolated_children) {
  auto sup = start({isolated("victim", worker("victim"))});
  auto infos = which_children(sup);
  BOOST_REQUIRE(infos && infos->size() == 1u);
  BOOST_TEST((*infos)[0].status == child_info::state::running);
  auto first = pid_of((*infos)[0].actor);
  BOOST_TEST(!terminate_child(sup, "victim"));
  BOOST_TEST(process_gone(first));
  BOOST_TEST(which_children(sup)->at(0).status == child_info::state::undefined);
  auto again = restart_child(sup, "victim");
  BOOST_REQUIRE(again);
  BOOST_TEST(pid_of(*again) != first);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_dynamic_supervisors_template_passes_its_extra_arguments_to_the_worker) {
  dynamic_supervisor_flags f;
  f.name = "games";
  f.reports = flags().reports;
  f.child_template = isolated("game", worker("labelled", caf::make_message(std::string{"game-"})));
  auto sup = *start_dynamic_supervisor(sys, f);
  auto game = kintsugi::start_child(sup, caf::make_message(int32_t{7}));
  if (!game)
    BOOST_FAIL(render(game.error()));
  BOOST_TEST(*call<std::string>(*game, patience, caf::get_atom::value) == "game-7");
  auto before = pid_of(*game);
  exit_signal(*game, caf::sec::runtime_error);
  await_restart("game", 1);
  auto infos = which_children(sup);
  BOOST_REQUIRE(infos && infos->size() == 1u);
  BOOST_TEST(*call<std::string>((*infos)[0].actor, patience, caf::get_atom::value) == "game-7");
  BOOST_TEST(pid_of((*infos)[0].actor) != before);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(starts_that_cannot_work_fail_with_the_reason) {
  auto failure = [&](process_options options) {
    auto sup = start_supervisor(sys, flags(), {isolated("x", std::move(options))});
    BOOST_REQUIRE(!sup);
    return sup.error();
  };
  auto unknown = failure(worker("no_such_type"));
  BOOST_TEST(unknown == errc::start_failed);
  BOOST_TEST(render(unknown).find("no_such_type") != std::string::npos, render(unknown));
  auto wrong_args = failure(worker("labelled", caf::make_message(1.5)));
  BOOST_TEST(wrong_args == errc::start_failed, render(wrong_args));
  auto missing = worker("victim");
  missing.program = "/nonexistent/kintsugi-worker";
  auto no_program = failure(missing);
  BOOST_TEST(render(no_program).find("process_launch_failed") != std::string::npos,
             render(no_program));
  auto throws = failure(worker("failing_init"));
  BOOST_TEST(throws == errc::start_failed, render(throws));
  auto nameless = worker("");
  BOOST_TEST(render(failure(nameless)).find("invalid_spec") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_supervising_program_killed_with_sigkill_leaves_no_worker_behind) {
  int out[2];
  BOOST_REQUIRE(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string program = PROCESS_WORKER;
  std::vector<char*> argv{program.data(), const_cast<char*>("supervise"), const_cast<char*>("2"),
                          nullptr};
  std::vector<std::string> env_strings = sanitizer_environment();
  for (char** var = environ; *var; ++var)
    if (std::string{*var}.rfind("ASAN_OPTIONS=", 0) != 0
        && std::string{*var}.rfind("TSAN_OPTIONS=", 0) != 0
        && std::string{*var}.rfind("UBSAN_OPTIONS=", 0) != 0)
      env_strings.push_back(*var);
  std::vector<char*> envp;
  for (auto& x : env_strings)
    envp.push_back(x.data());
  envp.push_back(nullptr);
  pid_t parent = 0;
  BOOST_REQUIRE(posix_spawn(&parent, program.c_str(), &actions, nullptr, argv.data(), envp.data())
                == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  // Its workers' pids, one a line, then "ready".
  std::vector<int32_t> workers;
  auto in = fdopen(out[0], "r");
  char line[64];
  while (fgets(line, sizeof(line), in) != nullptr && std::string{line} != "ready\n")
    workers.push_back(std::atoi(line));
  fclose(in);
  BOOST_REQUIRE_EQUAL(workers.size(), 2u);
  // Watch them before the kill, so that a pid reused later cannot fool us.
  std::vector<int> watches;
  for (auto pid : workers) {
    auto fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    BOOST_REQUIRE_MESSAGE(fd >= 0, "worker " << pid << " is not running");
    watches.push_back(fd);
  }
  kill(parent, SIGKILL);
  int status = 0;
  waitpid(parent, &status, 0);
  for (auto fd : watches) {
    pollfd p{fd, POLLIN, 0};
    BOOST_TEST(poll(&p, 1, static_cast<int>(patience.count() * 1000)) == 1);
    close(fd);
  }
}

BOOST_AUTO_TEST_SUITE_END()
