// The decisions of runtime/src/exit_plan.hpp, without actors: what a
// supervisor does when a child exits, and what a restart stops and starts.

#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include "exit_plan.hpp"
#include "fixture.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/strategies/one_for_all.hpp"
#include "kintsugi/strategies/one_for_one.hpp"
#include "kintsugi/strategies/rest_for_one.hpp"

using namespace kintsugi;
using kintsugi::detail::child_phase;
using kintsugi::detail::child_table;
using kintsugi::detail::leave_ended;
using kintsugi::detail::plan_restart;
using kintsugi::detail::shut_down;
using namespace std::chrono_literals;

namespace {

struct row {
  child_spec spec;
  child_phase phase = child_phase::running;
};

class rows final : public child_table {
public:
  std::vector<row> xs;

  std::size_t size() const noexcept override {
    return xs.size();
  }
  const child_spec& spec(std::size_t i) const override {
    return xs[i].spec;
  }
  child_phase phase(std::size_t i) const override {
    return xs[i].phase;
  }

  rows& add(std::string id, restart_type restart = restart_type::permanent,
            bool significant = false, child_phase phase = child_phase::running) {
    row r;
    r.spec.id = std::move(id);
    r.spec.restart = restart;
    r.spec.significant = significant;
    r.phase = phase;
    xs.push_back(std::move(r));
    return *this;
  }
};

const auto t0 = restart_intensity::time_point{} + 1h;
const caf::error crash = caf::sec::runtime_error;
const caf::error normal = caf::exit_reason::normal;

detail::exit_plan decide(const rows& children, std::size_t exited, const caf::error& reason,
                         auto_shutdown rule = auto_shutdown::never,
                         const restart_intensity& intensity = restart_intensity{3, 5s}) {
  return detail::decide_exit(children, exited, reason, rule, intensity, t0, "sup");
}

// A strategy that returns what it is told, to see what plan_restart keeps.
class scripted final : public restart_strategy {
public:
  explicit scripted(restart_plan p, bool fail = false) : p_(std::move(p)), fail_(fail) {
  }
  std::string_view name() const noexcept override {
    return "scripted";
  }
  restart_plan plan(const child_list&, std::size_t) const override {
    if (fail_)
      throw std::runtime_error("no plan today");
    return p_;
  }

private:
  restart_plan p_;
  bool fail_;
};

using indices = std::vector<std::size_t>;

} // namespace

BOOST_AUTO_TEST_SUITE(exit_plan)

BOOST_AUTO_TEST_CASE(the_restart_type_decides_first) {
  rows xs;
  xs.add("p").add("t", restart_type::transient).add("x", restart_type::temporary);
  BOOST_TEST(std::holds_alternative<detail::restart_child>(decide(xs, 0, normal)));
  BOOST_TEST(std::holds_alternative<detail::restart_child>(decide(xs, 0, crash)));
  BOOST_TEST(std::holds_alternative<detail::restart_child>(decide(xs, 1, crash)));
  auto kept = decide(xs, 1, normal);
  BOOST_REQUIRE(std::holds_alternative<leave_ended>(kept));
  BOOST_TEST(!std::get<leave_ended>(kept).forget);
  // A shutdown exit is normal for a transient child (OTP's shutdown reason).
  BOOST_TEST(std::holds_alternative<leave_ended>(decide(xs, 1, caf::exit_reason::user_shutdown)));
  auto gone = decide(xs, 2, crash);
  BOOST_REQUIRE(std::holds_alternative<leave_ended>(gone));
  BOOST_TEST(std::get<leave_ended>(gone).forget);
}

BOOST_AUTO_TEST_CASE(a_restart_beyond_the_intensity_shuts_the_supervisor_down) {
  rows xs;
  xs.add("p");
  restart_intensity intensity{2, 5s};
  BOOST_TEST(intensity.record(t0 - 2s));
  BOOST_TEST(std::holds_alternative<detail::restart_child>(decide(xs, 0, crash, {}, intensity)));
  BOOST_TEST(intensity.record(t0 - 1s));
  auto plan = decide(xs, 0, crash, auto_shutdown::never, intensity);
  BOOST_REQUIRE(std::holds_alternative<shut_down>(plan));
  BOOST_TEST(std::get<shut_down>(plan).intensity_reached);
  BOOST_TEST(std::get<shut_down>(plan).reason == errc::reached_max_restart_intensity);
  // Restarts older than the period no longer count.
  BOOST_TEST(std::holds_alternative<detail::restart_child>(
    detail::decide_exit(xs, 0, crash, auto_shutdown::never, intensity, t0 + 5s - 1ms, "sup")));
  BOOST_TEST(std::holds_alternative<shut_down>(detail::decide_retry(intensity, t0, "sup")));
  // Intensity 0 allows no restart at all.
  BOOST_TEST(std::holds_alternative<shut_down>(decide(xs, 0, crash, {}, restart_intensity{0, 5s})));
}

BOOST_AUTO_TEST_CASE(auto_shutdown_follows_significant_children_that_end_for_good) {
  rows xs;
  xs.add("s1", restart_type::transient, true)
    .add("s2", restart_type::transient, true)
    .add("w", restart_type::transient);
  BOOST_TEST(std::holds_alternative<leave_ended>(decide(xs, 0, normal, auto_shutdown::never)));
  auto any = decide(xs, 0, normal, auto_shutdown::any_significant);
  BOOST_REQUIRE(std::holds_alternative<shut_down>(any));
  BOOST_TEST(!std::get<shut_down>(any).intensity_reached);
  BOOST_TEST(std::get<shut_down>(any).reason == caf::exit_reason::user_shutdown);
  // A child that is not significant never ends the supervisor.
  BOOST_TEST(
    std::holds_alternative<leave_ended>(decide(xs, 2, normal, auto_shutdown::any_significant)));
  // all_significant waits for the last significant child, counting one that
  // waits for a restart as alive.
  BOOST_TEST(
    std::holds_alternative<leave_ended>(decide(xs, 0, normal, auto_shutdown::all_significant)));
  xs.xs[1].phase = child_phase::restarting;
  BOOST_TEST(
    std::holds_alternative<leave_ended>(decide(xs, 0, normal, auto_shutdown::all_significant)));
  xs.xs[1].phase = child_phase::undefined;
  BOOST_TEST(
    std::holds_alternative<shut_down>(decide(xs, 0, normal, auto_shutdown::all_significant)));
  // A significant child that is restarted does not end the supervisor.
  BOOST_TEST(std::holds_alternative<detail::restart_child>(
    decide(xs, 0, crash, auto_shutdown::any_significant)));
}

BOOST_AUTO_TEST_CASE(the_builtin_strategies_plan_in_start_and_reverse_order) {
  rows xs;
  xs.add("a").add("b", restart_type::permanent, false, child_phase::restarting).add("c");
  auto one = plan_restart(xs, 1, *one_for_one(), {});
  BOOST_REQUIRE(one);
  BOOST_TEST(one->stop.empty());
  BOOST_TEST(one->start == (indices{1}), boost::test_tools::per_element());
  auto all = plan_restart(xs, 1, *one_for_all(), {});
  BOOST_REQUIRE(all);
  BOOST_TEST(all->stop == (indices{2, 0}), boost::test_tools::per_element());
  BOOST_TEST(all->start == (indices{0, 1, 2}), boost::test_tools::per_element());
  auto rest = plan_restart(xs, 1, *rest_for_one(), {});
  BOOST_REQUIRE(rest);
  BOOST_TEST(rest->stop == (indices{2}), boost::test_tools::per_element());
  BOOST_TEST(rest->start == (indices{1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_plan_is_made_safe_to_carry_out) {
  rows xs;
  xs.add("a").add("t", restart_type::temporary).add("c").add("d");
  // Repeats and indices out of range are dropped; a temporary child is
  // stopped but never started again; the failed child and the children owed
  // by an earlier attempt are started after the plan's own, in start order.
  restart_plan p;
  p.terminate = {1, 1, 9, 0};
  p.restart = {3, 1, 3, 7};
  auto steps = plan_restart(xs, 2, scripted{p}, {0});
  BOOST_REQUIRE(steps);
  BOOST_TEST(steps->stop == (indices{1, 0}), boost::test_tools::per_element());
  BOOST_TEST(steps->start == (indices{3, 0, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_strategy_that_throws_gives_an_error) {
  rows xs;
  xs.add("a");
  auto steps = plan_restart(xs, 0, scripted{{}, true}, {});
  BOOST_REQUIRE(!steps);
  BOOST_TEST(steps.error() == caf::sec::runtime_error);
  BOOST_TEST(render(steps.error()).find("no plan today") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
