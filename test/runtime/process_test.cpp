// Children in their own OS process (kintsugi/process.hpp), run in the
// process_worker program. Real processes on a live scheduler: every wait
// here is for an event (a report, a reply, a process's end), bounded only so
// that a broken build fails instead of hanging.

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include <caf/io/all.hpp>

#include "kintsugi/process.hpp"
#include "remote_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace kintsugi::test::process;
using namespace std::chrono_literals;

namespace {

// Crashes the isolated child "victim" of `sup` with `crash` and checks that
// it is restarted in a new process with `code`, its sibling untouched.
template <class... Ts>
void crash_and_restart(remote_fixture& f, std::size_t nth, errc code, const std::string& text,
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

BOOST_FIXTURE_TEST_SUITE(process, remote_fixture)

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
  test_program parent{{PROCESS_WORKER, "supervise", "2"}};
  // Its workers' pids, one a line, then "ready".
  auto lines = parent.await_lines(
    [](const std::vector<std::string>& xs) { return !xs.empty() && xs.back() == "ready"; },
    "ready line");
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  // Watch them before the kill, so that a pid reused later cannot fool us.
  std::vector<int> watches;
  for (std::size_t i = 0; i < 2; ++i) {
    auto pid = std::atoi(lines[i].c_str());
    auto fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    BOOST_REQUIRE_MESSAGE(fd >= 0, "worker " << pid << " is not running");
    watches.push_back(fd);
  }
  parent.kill();
  for (auto fd : watches) {
    pollfd p{fd, POLLIN, 0};
    BOOST_TEST(poll(&p, 1, static_cast<int>(patience.count() * 1000)) == 1);
    close(fd);
  }
}

BOOST_AUTO_TEST_SUITE_END()
