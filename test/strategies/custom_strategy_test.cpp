#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

// Restarts the failed child and every worker, never a child supervisor: the
// example from restart_strategy.hpp, used for real.
class workers_for_one : public restart_strategy {
public:
  std::string_view name() const noexcept override {
    return "workers_for_one";
  }

  restart_plan plan(const child_list& children, std::size_t failed) const override {
    restart_plan p;
    for (std::size_t i = 0; i < children.size(); ++i)
      if (i == failed || children[i].type == child_type::worker)
        p.restart.push_back(i);
    for (auto i = p.restart.rbegin(); i != p.restart.rend(); ++i)
      if (*i != failed)
        p.terminate.push_back(*i);
    return p;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(custom_strategy, fixture)

BOOST_AUTO_TEST_CASE(a_user_defined_strategy_decides_the_restarts) {
  auto nested = supervisor_spec("nested", flags(), {worker_child("n1")});
  auto sup = spawn_sup(flags(std::make_shared<workers_for_one>()),
                       {worker_child("a"), nested, worker_child("b"), worker_child("c")});
  auto a = child(sup, "a");
  auto n = child(sup, "nested");
  auto b = child(sup, "b");
  auto c = child(sup, "c");
  BOOST_REQUIRE(n);
  crash(c);
  BOOST_TEST(child(sup, "nested") == n); // the supervisor child was left alone
  BOOST_TEST(child(sup, "a") != a);
  BOOST_TEST(child(sup, "b") != b);
  BOOST_TEST(child(sup, "c") != c);
  BOOST_TEST(running_ids(sup).size() == 4u);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(an_out_of_range_index_is_ignored) {
  class wild : public restart_strategy {
  public:
    std::string_view name() const noexcept override {
      return "wild";
    }
    restart_plan plan(const child_list&, std::size_t failed) const override {
      return {{42}, {failed, 99}};
    }
  };
  auto sup = spawn_sup(flags(std::make_shared<wild>()), {worker_child("a"), worker_child("b")});
  auto a = child(sup, "a");
  crash(a);
  BOOST_TEST(running_ids(sup) == (std::vector<std::string>{"a", "b"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
