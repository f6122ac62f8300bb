#include <cstdio>

#include <unistd.h>

#include "ets_fixture.hpp"
#include "kintsugi/ets/state_vault.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

using vault = ets::state_vault<int>;
using add_atom = caf::atom_constant<caf::atom("add")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

// A counter whose count is kept in a vault under its name.
caf::behavior counter(caf::stateful_actor<ets::kept<int>>* self, vault v, std::string name) {
  return ets::keep_state(
    self, v, name,
    caf::behavior{
      [=](add_atom, int n) { return self->state.update([&](int& x) { return x += n; }); },
      [=](caf::get_atom) { return self->state.value; },
      [=](done_atom) { self->quit(); },
    });
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(state_vault, ets_fixture)

BOOST_AUTO_TEST_CASE(a_crashed_actor_comes_back_with_its_state_from_the_term_store) {
  auto v = *vault::open(sys);
  auto names = std::make_shared<registry>();
  auto spec = worker_spec("counter", counter, v, std::string{"Kusama"});
  spec.name = registered_name{names, "Kusama"};
  auto sup = spawn_sup(flags(), {spec});
  auto first = *names->whereis("Kusama");
  BOOST_TEST(*call<int>(first, add_atom::value, 5) == 5);
  crash(first);
  auto second = await_name(*names, "Kusama", first);
  BOOST_TEST(*call<int>(second, caf::get_atom::value) == 5);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  v.close();
  run();
}

BOOST_AUTO_TEST_CASE(messages_sent_right_after_a_start_see_the_restored_state) {
  auto v = *vault::open(sys);
  v.save("Kusama", 40);
  auto c = sys.spawn(counter, v, std::string{"Kusama"});
  // Sent before the actor ran at all: they wait for the restore.
  auto a = self->request(c, caf::infinite, add_atom::value, 1);
  auto b = self->request(c, caf::infinite, add_atom::value, 1);
  run();
  int x = 0;
  int y = 0;
  a.receive([&](int r) { x = r; }, [](caf::error& err) { BOOST_FAIL(render(err)); });
  b.receive([&](int r) { y = r; }, [](caf::error& err) { BOOST_FAIL(render(err)); });
  BOOST_TEST(x == 41);
  BOOST_TEST(y == 42);
  self->send_exit(c, caf::exit_reason::user_shutdown);
  run();
  v.close();
  run();
}

BOOST_AUTO_TEST_CASE(a_restart_of_the_whole_actor_system_restores_from_disk) {
  temp_path f;
  ets::vault_options opts;
  opts.durable_path = f.path;
  {
    // A first actor system, gone entirely before the second one starts.
    caf::actor_system_config cfg1;
    cfg1.set("scheduler.policy", caf::atom("testing"));
    caf::actor_system sys1{cfg1};
    auto& sched1 = dynamic_cast<caf::scheduler::test_coordinator&>(sys1.scheduler());
    caf::scoped_actor self1{sys1};
    auto v = *vault::open(sys1, opts);
    auto c = sys1.spawn(counter, v, std::string{"Kusama"});
    auto added = self1->request(c, caf::infinite, add_atom::value, 7);
    sched1.run();
    added.receive([](int x) { BOOST_TEST(x == 7); },
                  [](caf::error& err) { BOOST_FAIL(render(err)); });
    // The program shuts down: its supervisor stops the actor.
    self1->send_exit(c, caf::exit_reason::user_shutdown);
    sched1.run();
    v.close();
    sched1.run();
  }
  auto v = *vault::open(sys, opts);
  auto c = sys.spawn(counter, v, std::string{"Kusama"});
  BOOST_TEST(*call<int>(c, caf::get_atom::value) == 7);
  self->send_exit(c, caf::exit_reason::user_shutdown);
  run();
  v.close();
  run();
}

BOOST_AUTO_TEST_CASE(an_actor_that_ends_normally_leaves_nothing_behind) {
  temp_path f;
  ets::vault_options opts;
  opts.durable_path = f.path;
  auto v = *vault::open(sys, opts);
  auto c = sys.spawn(counter, v, std::string{"Kusama"});
  BOOST_TEST(*call<int>(c, add_atom::value, 3) == 3);
  self->send(c, done_atom::value);
  run();
  BOOST_TEST(!v.restore("Kusama")->has_value());
  auto again = sys.spawn(counter, v, std::string{"Kusama"});
  BOOST_TEST(*call<int>(again, caf::get_atom::value) == 0);
  self->send_exit(again, caf::exit_reason::user_shutdown);
  run();
  v.close();
  run();
}

BOOST_AUTO_TEST_SUITE_END()
