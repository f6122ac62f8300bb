// The blocking helpers, on a real multi-threaded scheduler: each waits for a
// reply (an event), never for time, except the test of the timeout itself.

#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

// The example of management.hpp, which this suite also runs.
// clang-format off
// example: runtime/kintsugi/management.hpp
std::string listing(const caf::actor& sup) {
  auto infos = kintsugi::which_children(sup);
  if (!infos)
    return kintsugi::render(infos.error());
  std::string out;
  for (auto& x : *infos)
    out += x.id + ": " + kintsugi::to_string(x.status) + "\n";
  return out;
}
// end of example
// clang-format on

} // namespace

BOOST_FIXTURE_TEST_SUITE(blocking_api, live_fixture)

BOOST_AUTO_TEST_CASE(the_management_header_example_lists_children) {
  auto sup = start_supervisor(sys, flags, {worker_child("a"), worker_child("b")});
  BOOST_REQUIRE(sup);
  BOOST_TEST(!terminate_child(*sup, "b"));
  BOOST_TEST(listing(*sup) == "a: running\nb: undefined\n");
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
}

BOOST_AUTO_TEST_CASE(every_helper_works_from_outside_actors) {
  auto sup = start_supervisor(sys, flags, {worker_child("a"), worker_child("b")});
  if (!sup)
    BOOST_FAIL(render(sup.error()));
  auto infos = which_children(*sup);
  BOOST_REQUIRE(infos);
  BOOST_TEST(infos->size() == 2u);
  auto counts = count_children(*sup);
  BOOST_REQUIRE(counts);
  BOOST_TEST(counts->active == 2u);
  auto c = start_child(*sup, worker_child("c"));
  BOOST_REQUIRE(c);
  BOOST_TEST(start_child(*sup, worker_child("c")).error() == errc::already_started);
  BOOST_TEST(!terminate_child(*sup, "c"));
  auto c2 = restart_child(*sup, "c");
  BOOST_REQUIRE(c2);
  BOOST_TEST(*c2 != *c);
  BOOST_TEST(!terminate_child(*sup, "c"));
  BOOST_TEST(!delete_child(*sup, "c"));
  BOOST_TEST(delete_child(*sup, "c") == errc::not_found);
  auto spec = get_childspec(*sup, "a");
  BOOST_REQUIRE(spec);
  BOOST_TEST(spec->id == "a");
  BOOST_TEST(get_childspec(*sup, "zz").error() == errc::not_found);
  auto a = (*infos)[0].actor;
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
  // stop returns once the supervisor and its children are gone.
  BOOST_TEST(a->getf(caf::abstract_actor::is_terminated_flag));
  BOOST_TEST(which_children(*sup).error() == caf::sec::request_receiver_down);
}

BOOST_AUTO_TEST_CASE(dynamic_supervisor_helpers_work_from_outside_actors) {
  dynamic_supervisor_flags f;
  f.reports = null_report_sink();
  f.child_template = worker_spec("w", worker);
  f.max_children = 2;
  auto sup = start_dynamic_supervisor(sys, f);
  if (!sup)
    BOOST_FAIL(render(sup.error()));
  auto a = start_child(*sup, caf::message{});
  BOOST_REQUIRE(a);
  auto b = start_child(*sup, worker_child("b"));
  BOOST_REQUIRE(b);
  BOOST_TEST(start_child(*sup, caf::message{}).error() == errc::max_children);
  BOOST_TEST(!terminate_child(*sup, *a));
  BOOST_TEST(terminate_child(*sup, *a) == errc::not_found);
  BOOST_TEST(count_children(*sup)->active == 1u);
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
  BOOST_TEST((*b)->getf(caf::abstract_actor::is_terminated_flag));
  f.intensity = -1;
  BOOST_TEST(start_dynamic_supervisor(sys, f).error() == errc::invalid_spec);
}

BOOST_AUTO_TEST_CASE(call_and_call_by_name_reach_an_actor_or_say_why_not) {
  auto names = std::make_shared<registry>();
  auto spec = worker_child("game");
  spec.name = registered_name{names, "Kusama"};
  auto sup = start_supervisor(sys, flags, {spec});
  BOOST_REQUIRE(sup);
  BOOST_TEST(*call_by_name<pong_atom>(*names, "Kusama", 1s, ping_atom::value) == pong_atom::value);
  BOOST_TEST(call_by_name<pong_atom>(*names, "Nobody", 1s, ping_atom::value).error()
             == errc::not_found);
  auto game = *names->whereis("Kusama");
  BOOST_TEST(call<int>(game, 1s, ping_atom::value).error() == caf::sec::unexpected_response);
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
  BOOST_TEST(call<pong_atom>(game, 1s, ping_atom::value).error()
             == caf::sec::request_receiver_down);
}

BOOST_AUTO_TEST_CASE(start_supervisor_reports_why_it_failed) {
  auto bad = worker_child("bad");
  bad.start = failing_start(caf::make_error(caf::sec::runtime_error, "no disk"));
  auto sup = start_supervisor(sys, flags, {worker_child("a"), bad});
  BOOST_REQUIRE(!sup);
  BOOST_TEST(sup.error() == errc::start_failed);
  BOOST_TEST(render(sup.error()).find("no disk") != std::string::npos);
  auto dup = start_supervisor(sys, flags, {worker_child("a"), worker_child("a")});
  BOOST_TEST(dup.error() == errc::invalid_spec);
  auto first_fails = worker_child("first");
  first_fails.start = failing_start(caf::make_error(caf::sec::runtime_error, "at once"));
  auto early = start_supervisor(sys, flags, {first_fails});
  BOOST_TEST(early.error() == errc::start_failed);
}

BOOST_AUTO_TEST_CASE(a_supervisor_that_does_not_answer_times_out) {
  // Stands in for a supervisor stuck in a long shutdown: it never replies.
  auto mute = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[self](which_children_atom) {
      self->make_response_promise(); // dropped: no reply ever comes
    }};
  });
  BOOST_TEST(which_children(mute, 10ms).error() == errc::timeout);
  caf::anon_send_exit(mute, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(helpers_refuse_an_invalid_handle) {
  BOOST_TEST(which_children(caf::actor{}).error() == caf::sec::invalid_argument);
  BOOST_TEST(stop(caf::actor{}, caf::exit_reason::user_shutdown) == caf::sec::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
