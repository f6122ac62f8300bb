#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

// An actor type that provides its default child spec, as a GenServer does.
struct game {
  static kintsugi::child_spec child_spec(const std::string& name) {
    auto spec = worker_spec(name, worker);
    spec.restart = restart_type::transient;
    return spec;
  }
};

bool names(const caf::error& err, errc code, const std::string& text) {
  return err == code && render(err).find(text) != std::string::npos;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(child_spec, fixture)

BOOST_AUTO_TEST_CASE(defaults_follow_otp) {
  auto spec = worker_spec("w", worker);
  BOOST_TEST(spec.restart == restart_type::permanent);
  BOOST_TEST(spec.type == child_type::worker);
  BOOST_TEST(!spec.significant);
  BOOST_TEST((spec.effective_shutdown() == shutdown_policy::timeout(5000ms)));
  auto sup = supervisor_spec("s", flags(), {});
  BOOST_TEST(sup.type == child_type::supervisor);
  BOOST_TEST((sup.effective_shutdown() == shutdown_policy::infinity()));
  spec.shutdown = shutdown_policy::brutal_kill();
  BOOST_TEST((spec.effective_shutdown() == shutdown_policy::brutal_kill()));
}

BOOST_AUTO_TEST_CASE(an_actor_type_provides_a_default_spec_to_override) {
  auto spec = game::child_spec("Kusama");
  BOOST_TEST(spec.id == "Kusama");
  BOOST_TEST(spec.restart == restart_type::transient);
  spec.shutdown = shutdown_policy::timeout(100ms);
  auto sup = spawn_sup(flags(), {spec});
  BOOST_TEST(running_ids(sup) == std::vector<std::string>{"Kusama"});
  auto got = call<kintsugi::child_spec>(sup, get_childspec_atom::value, std::string{"Kusama"});
  BOOST_REQUIRE(got);
  BOOST_TEST((got->effective_shutdown() == shutdown_policy::timeout(100ms)));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(invalid_specs_are_refused_with_the_problem_named) {
  auto no_id = worker_spec("", worker);
  BOOST_TEST(names(validate(no_id), errc::invalid_spec, "without an id"));
  kintsugi::child_spec no_start;
  no_start.id = "x";
  BOOST_TEST(names(validate(no_start), errc::invalid_spec, "no start function"));
  auto negative = worker_spec("neg", worker);
  negative.shutdown = shutdown_policy::timeout(-1ms);
  BOOST_TEST(names(validate(negative), errc::invalid_spec, "negative shutdown timeout"));
  auto significant = worker_spec("sig", worker);
  significant.significant = true;
  BOOST_TEST(
    names(validate(significant), errc::invalid_spec, "permanent child cannot be significant"));
  significant.restart = restart_type::transient;
  BOOST_TEST(!validate(significant));
  // ... but not under auto_shutdown never.
  BOOST_TEST(
    names(validate_child(flags(), significant), errc::invalid_spec, "auto_shutdown is never"));
}

BOOST_AUTO_TEST_CASE(invalid_flags_are_refused_with_the_problem_named) {
  auto f = flags();
  f.intensity = -1;
  BOOST_TEST(names(validate(f), errc::invalid_spec, "negative restart intensity -1"));
  f = flags();
  f.period = 0ms;
  BOOST_TEST(names(validate(f), errc::invalid_spec, "period must be positive"));
  f = flags();
  f.strategy = nullptr;
  BOOST_TEST(names(validate(f), errc::invalid_spec, "without a strategy"));
  BOOST_TEST(names(validate(flags(), {worker_child("a"), worker_child("a")}), errc::invalid_spec,
                   "duplicate child id"));
}

BOOST_AUTO_TEST_CASE(a_supervisor_with_invalid_specs_exits_with_the_reason) {
  auto sup = spawn_supervisor(sys, flags(), {worker_child("a"), worker_child("a")});
  self->monitor(sup);
  run();
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  BOOST_TEST(names(reason, errc::invalid_spec, "duplicate"));
}

BOOST_AUTO_TEST_SUITE_END()
