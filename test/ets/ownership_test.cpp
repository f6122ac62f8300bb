#include "ets_fixture.hpp"
#include "table_keeper.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

using scores = ets::set<std::string, int>;
using int_set = ets::set<int, int>;
using string_bag = ets::bag<std::string, int>;
using incr_atom = caf::atom_constant<caf::atom("incr")>;

// Takes the tables it is given and notes what came with them.
struct inbox {
  std::vector<scores> tables;
  std::vector<caf::actor_addr> from;
  std::vector<std::string> data;
};

caf::behavior receiver(caf::event_based_actor* self, std::shared_ptr<inbox> box) {
  return {
    [=](ets::transfer& t) {
      auto table = scores::adopt(self, t);
      if (!table)
        return;
      box->tables.push_back(*table);
      box->from.push_back(t.from);
      box->data.push_back(t.data.match_elements<std::string>() ? t.data.get_as<std::string>(0)
                                                               : "");
    },
  };
}

// The heir of the counter worker's table (table_keeper.hpp).
caf::behavior keeper(caf::stateful_actor<table_keeper_state<scores>>* self) {
  return table_keeper<scores>(self);
}

// A supervised worker whose counts live in a table with the keeper as heir.
struct counter_state {
  scores table;
};

caf::behavior counter(caf::stateful_actor<counter_state>* self, caf::actor keeper_actor) {
  self->request(keeper_actor, caf::infinite, claim_atom::value).then([=](bool given) {
    if (given)
      return; // the table arrives as a transfer
    ets::table_options opts;
    opts.heir = keeper_actor;
    self->state.table = *scores::create(self, opts);
  });
  return {
    [=](ets::transfer& t) {
      if (auto table = scores::adopt(self, t))
        self->state.table = *table;
    },
    [=](incr_atom, const std::string& key) { return *self->state.table.update_counter(key, 1); },
    [=](caf::get_atom, const std::string& key) {
      auto hit = *self->state.table.lookup(key);
      return hit ? *hit : 0;
    },
  };
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(ownership, ets_fixture)

BOOST_AUTO_TEST_CASE(a_protected_table_is_read_by_all_and_written_by_its_owner) {
  auto owner = spawn_idle();
  auto other = spawn_idle();
  ets::table_options opts;
  opts.name = "scores";
  auto t = *scores::create(as(owner), opts);
  t.insert("a", 1);
  BOOST_TEST(scores::open(as(other), "scores").error() == ets::errc::no_access);
  auto r = scores::open_reader(as(other), "scores");
  BOOST_REQUIRE(r);
  BOOST_TEST(**r->lookup("a") == 1);
  BOOST_TEST(succeeded(scores::open(as(owner), "scores")));
  end(owner);
  end(other);
}

BOOST_AUTO_TEST_CASE(a_private_table_is_the_owners_alone) {
  auto owner = spawn_idle();
  auto other = spawn_idle();
  ets::table_options opts;
  opts.name = "secret";
  opts.access = ets::protection::private_access;
  auto t = *scores::create(as(owner), opts);
  BOOST_TEST(scores::open_reader(as(other), "secret").error() == ets::errc::no_access);
  BOOST_TEST(scores::open(as(other), "secret").error() == ets::errc::no_access);
  BOOST_TEST(!t.insert("a", 1));
  end(owner);
  end(other);
}

BOOST_AUTO_TEST_CASE(a_public_table_is_written_by_anyone) {
  auto owner = spawn_idle();
  auto other = spawn_idle();
  ets::table_options opts;
  opts.name = "board";
  opts.access = ets::protection::public_access;
  auto t = *scores::create(as(owner), opts);
  auto w = scores::open(as(other), "board");
  BOOST_REQUIRE(w);
  BOOST_TEST(!w->insert("from other", 7));
  BOOST_TEST(**t.lookup("from other") == 7);
  end(owner);
  end(other);
}

BOOST_AUTO_TEST_CASE(names_are_unique_typed_and_freed_with_the_table) {
  auto owner = spawn_idle();
  ets::table_options opts;
  opts.name = "t";
  auto t = *scores::create(as(owner), opts);
  BOOST_TEST(scores::create(as(owner), opts).error() == ets::errc::already_registered);
  BOOST_TEST(int_set::open_reader(as(owner), "t").error() == ets::errc::wrong_type);
  BOOST_TEST(string_bag::open(as(owner), "t").error() == ets::errc::wrong_type);
  BOOST_TEST(scores::open(as(owner), "nope").error() == ets::errc::not_found);
  BOOST_TEST(!t.destroy());
  BOOST_TEST(t.insert("a", 1) == ets::errc::table_deleted);
  BOOST_TEST(succeeded(scores::create(as(owner), opts)));
  end(owner);
}

BOOST_AUTO_TEST_CASE(all_tables_lists_named_and_unnamed_tables_until_they_go) {
  auto owner = spawn_idle();
  ets::table_options named;
  named.name = "scores";
  named.access = ets::protection::public_access;
  auto t = *scores::create(as(owner), named);
  t.insert("a", 1);
  auto unnamed = *string_bag::create(as(owner), {});
  auto all = ets::all_tables(sys);
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].name == "");
  BOOST_TEST((all[0].kind == ets::kind::bag));
  BOOST_TEST(all[1].name == "scores");
  BOOST_TEST(all[1].size == 1u);
  BOOST_TEST(all[1].owner == owner);
  BOOST_TEST((all[1].access == ets::protection::public_access));
  BOOST_TEST(!unnamed.destroy());
  BOOST_TEST(ets::all_tables(sys).size() == 1u);
  end(owner);
  BOOST_TEST(ets::all_tables(sys).empty());
}

BOOST_AUTO_TEST_CASE(the_table_dies_with_an_owner_that_has_no_heir) {
  auto owner = spawn_idle();
  auto other = spawn_idle();
  ets::table_options opts;
  opts.name = "mortal";
  auto t = *scores::create(as(owner), opts);
  t.insert("a", 1);
  auto r = *scores::open_reader(as(other), "mortal");
  self->send_exit(owner, caf::sec::runtime_error);
  run();
  BOOST_TEST(r.lookup("a").error() == ets::errc::table_deleted);
  BOOST_TEST(scores::open_reader(as(other), "mortal").error() == ets::errc::not_found);
  end(other);
}

BOOST_AUTO_TEST_CASE(the_heir_inherits_the_table_with_its_heir_data) {
  auto box = std::make_shared<inbox>();
  auto heir = sys.spawn(receiver, box);
  auto owner = spawn_idle();
  ets::table_options opts;
  opts.heir = heir;
  opts.heir_data = caf::make_message(std::string{"from the owner"});
  auto t = *scores::create(as(owner), opts);
  t.insert("state", 42);
  self->send_exit(owner, caf::sec::runtime_error);
  run();
  BOOST_REQUIRE_EQUAL(box->tables.size(), 1u);
  BOOST_TEST((box->from[0] == owner.address()));
  BOOST_TEST(box->data[0] == "from the owner");
  BOOST_TEST(**box->tables[0].lookup("state") == 42);
  BOOST_TEST(box->tables[0].info()->owner == heir);
  // The old owner's handle lost its rights with the table.
  BOOST_TEST(t.insert("x", 1) == ets::errc::no_access);
  box->tables.clear();
  end(heir);
}

BOOST_AUTO_TEST_CASE(give_away_hands_the_table_to_a_live_actor) {
  auto box = std::make_shared<inbox>();
  auto to = sys.spawn(receiver, box);
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  t.insert("a", 1);
  BOOST_TEST(t.give_away(owner) == ets::errc::no_access); // to itself
  BOOST_TEST(!t.give_away(to, caf::make_message(std::string{"gift"})));
  run();
  BOOST_REQUIRE_EQUAL(box->tables.size(), 1u);
  BOOST_TEST(box->data[0] == "gift");
  BOOST_TEST(t.insert("b", 2) == ets::errc::no_access);
  BOOST_TEST(t.give_away(to) == ets::errc::no_access);
  // The first owner's end no longer touches the table.
  end(owner);
  BOOST_TEST(**box->tables[0].lookup("a") == 1);
  box->tables.clear();
  end(to);
}

BOOST_AUTO_TEST_CASE(a_crashed_worker_gets_its_state_back_through_the_heir) {
  auto keep = sys.spawn(keeper);
  auto sup = spawn_sup(flags(), {worker_spec("counter", counter, keep)});
  auto first = child(sup, "counter");
  for (int i = 0; i < 3; ++i)
    call<int>(first, incr_atom::value, std::string{"Kusama"});
  crash(first);
  auto second = await_restart(sup, "counter", first);
  BOOST_TEST(*call<int>(second, caf::get_atom::value, std::string{"Kusama"}) == 3);
  BOOST_TEST(*call<int>(second, incr_atom::value, std::string{"Kusama"}) == 4);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  end(keep);
}

BOOST_AUTO_TEST_SUITE_END()
