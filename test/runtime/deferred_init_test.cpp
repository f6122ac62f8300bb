#include "fixture.hpp"

#include "kintsugi/deferred_init.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

struct recorder_state {
  bool ready = false;
  bool saw_unready = false;
  std::vector<int> seen;
};

// Records every int it gets, and whether the continuation had run by then.
caf::behavior recorder(caf::stateful_actor<recorder_state>* self) {
  return deferred_init(
    self, [self] { self->state.ready = true; },
    caf::behavior{
      [self](int x) {
        if (!self->state.ready)
          self->state.saw_unready = true;
        self->state.seen.push_back(x);
      },
      [self](caf::get_atom) { return std::make_pair(self->state.saw_unready, self->state.seen); },
    });
}

// Its continuation throws: it fails after its start has completed.
caf::behavior broken_continuation(caf::event_based_actor* self) {
  return deferred_init(
    self, [] { throw std::runtime_error("saved state is corrupt"); }, caf::behavior{[](int) {}});
}

using seen_t = std::pair<bool, std::vector<int>>;

void check_flood(const seen_t& result, int n) {
  BOOST_TEST(!result.first); // no message was handled before the continuation
  BOOST_REQUIRE_EQUAL(result.second.size(), static_cast<std::size_t>(n)); // none dropped
  for (int i = 0; i < n; ++i)
    if (result.second[i] != i)
      BOOST_FAIL("message " << i << " handled out of order: " << result.second[i]);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(deferred_init, fixture)

BOOST_AUTO_TEST_CASE(messages_sent_before_the_continuation_wait_for_it_in_order) {
  constexpr int n = 10000;
  auto actor = sys.spawn(recorder);
  // On the test scheduler nothing has run yet: the whole flood is in the
  // mailbox before the actor's own continue message.
  for (int i = 0; i < n; ++i)
    self->send(actor, i);
  auto result = call<seen_t>(actor, caf::get_atom::value);
  BOOST_REQUIRE(result);
  check_flood(*result, n);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_supervisor_counts_the_child_started_before_its_continuation) {
  // The continuation throws, so the child fails after each start: the
  // supervisor restarts it until it gives up, and never reports a failed start.
  auto sup = spawn_sup(flags(one_for_one(), 2), {worker_spec("slow", broken_continuation)});
  self->monitor(sup);
  run();
  self->receive(
    [](caf::down_msg& down) { BOOST_TEST(down.reason == errc::reached_max_restart_intensity); });
  auto exited = first_report(report_kind::child_exited);
  BOOST_TEST(render(exited.reason).find("saved state is corrupt") != std::string::npos,
             render(exited.reason));
  auto kinds = take_reports();
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "start_failed:slow") == 0);
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "child_exited:slow") == 3);
}

// The same ordering proof on the real multi-threaded scheduler, with the flood
// racing the actor's initialisation.
BOOST_FIXTURE_TEST_CASE(under_a_flood_on_real_threads, live_fixture) {
  constexpr int n = 100000;
  for (int round = 0; round < 5; ++round) {
    auto actor = sys.spawn(recorder);
    for (int i = 0; i < n; ++i)
      caf::anon_send(actor, i);
    caf::scoped_actor self{sys};
    self->request(actor, caf::infinite, caf::get_atom::value)
      .receive([&](seen_t& result) { check_flood(result, n); },
               [](caf::error& err) { BOOST_FAIL(render(err)); });
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }
}

BOOST_AUTO_TEST_SUITE_END()
