// The scheduler `configure` loads (runtime/src/scheduler.hpp): a job stays on
// the worker that made it runnable unless it waits there, and the clock still
// serves every timeout although it is told of fewer actors.

#include <future>

#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

using go_atom = caf::atom_constant<caf::atom("go")>;

// A system with `workers` scheduler threads.
struct scheduler_fixture {
  explicit scheduler_fixture(std::size_t workers)
    : sys(live_fixture::prepare(cfg.set("scheduler.max-threads", workers))) {
  }

  ~scheduler_fixture() {
    sys.registry().await_running_count_equal(0);
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
};

struct two_workers : scheduler_fixture {
  two_workers() : scheduler_fixture(2) {
  }
};

struct one_worker : scheduler_fixture {
  one_worker() : scheduler_fixture(1) {
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(scheduler)

// The job for `b` waits in the queue of a worker that blocks until `b` has
// run: only another worker can run it.
BOOST_FIXTURE_TEST_CASE(a_job_left_behind_a_blocked_worker_runs_on_another, two_workers) {
  std::promise<void> b_ran;
  auto b = sys.spawn([&](caf::event_based_actor* self) -> caf::behavior {
    return {[&, self](go_atom) {
      b_ran.set_value();
      self->quit();
    }};
  });
  std::promise<bool> a_saw;
  auto a = sys.spawn([&, b](caf::event_based_actor* self) -> caf::behavior {
    return {[&, self, b](go_atom) {
      self->send(b, go_atom::value);
      // A failure, not a hang, should stealing break.
      a_saw.set_value(b_ran.get_future().wait_for(60s) == std::future_status::ready);
      self->quit();
    }};
  });
  caf::anon_send(a, go_atom::value);
  BOOST_TEST(a_saw.get_future().get());
}

BOOST_FIXTURE_TEST_CASE(one_worker_runs_restarts_and_management_calls, one_worker) {
  supervisor_flags flags;
  flags.reports = null_report_sink();
  auto sup = start_supervisor(sys, flags, {worker_child("a"), worker_child("b")});
  BOOST_REQUIRE(sup);
  for (int i = 0; i < 50; ++i) {
    auto before = (*which_children(*sup))[0].actor;
    BOOST_REQUIRE(!terminate_child(*sup, "a"));
    auto after = restart_child(*sup, "a");
    BOOST_REQUIRE(after);
    BOOST_TEST(*after != before);
  }
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
}

BOOST_FIXTURE_TEST_CASE(request_timeouts_fire_and_die_with_their_actor, two_workers) {
  // Holds each request unanswered.
  auto silent = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    auto pending = std::make_shared<std::vector<caf::response_promise>>();
    return {[self, pending](go_atom) {
      pending->push_back(self->make_response_promise());
      return pending->back();
    }};
  });
  // This actor's timeout is cancelled when it quits, long before it is due.
  sys.spawn([silent](caf::event_based_actor* self) {
    self->request(silent, std::chrono::seconds{3600}, go_atom::value).then([] {});
    self->quit();
  });
  std::promise<caf::error> answer;
  sys.spawn([&, silent](caf::event_based_actor* self) {
    self->request(silent, 10ms, go_atom::value)
      .then([&] { answer.set_value(caf::error{}); },
            [&, self](caf::error& err) {
              answer.set_value(std::move(err));
              self->quit();
            });
  });
  BOOST_TEST(answer.get_future().get() == caf::sec::request_timeout);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

// The clock's thread waits for the one-hour timer when the 1 ms one comes:
// it must be woken for it.
BOOST_FIXTURE_TEST_CASE(an_earlier_timer_is_not_held_up_by_a_later_one, two_workers) {
  using late_atom = caf::atom_constant<caf::atom("late")>;
  std::promise<void> early;
  auto waiter = sys.spawn([&](caf::event_based_actor* self) -> caf::behavior {
    self->delayed_send(self, std::chrono::seconds{3600}, late_atom::value);
    self->delayed_send(self, 1ms, go_atom::value);
    return {[&, self](go_atom) {
              early.set_value();
              self->quit();
            },
            [](late_atom) {}};
  });
  // A failure, not a hang, should the clock sleep through it.
  auto arrived = early.get_future().wait_for(60s) == std::future_status::ready;
  BOOST_TEST(arrived);
  if (!arrived)
    caf::anon_send_exit(waiter, caf::exit_reason::kill);
}

// A receive timeout (CAF's `after`) is an ordinary timeout, which each new
// one replaces.
BOOST_FIXTURE_TEST_CASE(a_receive_timeout_fires_once_idle, two_workers) {
  caf::scoped_actor self{sys};
  auto idler = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[](go_atom) {}, caf::after(std::chrono::milliseconds{5}) >>
                              [self] { self->quit(caf::exit_reason::user_shutdown); }};
  });
  self->monitor(idler);
  for (int i = 0; i < 3; ++i)
    self->send(idler, go_atom::value);
  self->receive(
    [&](caf::down_msg& msg) { BOOST_TEST(msg.reason == caf::exit_reason::user_shutdown); });
}

BOOST_AUTO_TEST_SUITE_END()
