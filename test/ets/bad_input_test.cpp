// Bad input at every entry point of the term store and the durable tables:
// each answers with a clear error and loses nothing, never a crash or a
// hang. The cases other suites already cover are named in the README
// (Reliability); these are the rest.

#include <sys/stat.h>

#include "ets_fixture.hpp"
#include "kintsugi/ets/durable.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

using scores = ets::set<std::string, int>;
using journal = ets::durable_set<std::string, int>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(bad_input, ets_fixture)

BOOST_AUTO_TEST_CASE(term_store_errors_are_their_own_category_and_render_by_name) {
  auto owner = spawn_idle();
  auto err = scores::open(as(owner), "nope").error();
  BOOST_TEST(err.category() == ets::error_category);
  BOOST_TEST(err == ets::errc::not_found);
  BOOST_TEST(err != errc::not_found); // the supervisor's own not_found
  BOOST_TEST(render(err) == "kintsugi::ets::not_found: no table named \"nope\"");
  BOOST_TEST(sys.render(err) == render(err)); // configure() told CAF's renderer
  end(owner);
}

BOOST_AUTO_TEST_CASE(a_dead_heir_is_taken_as_ets_takes_it_and_the_table_dies_with_its_owner) {
  auto owner = spawn_idle();
  auto dead = spawn_idle();
  end(dead);
  auto t = *scores::create(as(owner));
  BOOST_REQUIRE(!t.insert("Kusama", 1));
  // ETS accepts any heir; one that is gone when the owner ends inherits
  // nothing, and the table goes with its owner.
  BOOST_TEST(!t.set_heir(dead));
  BOOST_TEST(t.give_away(dead) == ets::errc::no_access);
  BOOST_TEST(t.give_away(owner) == ets::errc::no_access); // to its owner itself
  BOOST_TEST((*t.lookup("Kusama") == std::optional<int>{1}));
  end(owner);
  BOOST_TEST(t.lookup("Kusama").error() == ets::errc::table_deleted);
  BOOST_TEST(t.insert("Sharon", 2) == ets::errc::table_deleted);
  auto other = spawn_idle();
  BOOST_TEST(t.set_heir(other) == ets::errc::table_deleted);
  end(other);
}

BOOST_AUTO_TEST_CASE(table_files_refuse_missing_paths_directories_and_bad_places) {
  temp_path dir;
  ::mkdir(dir.path.c_str(), 0700);
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  BOOST_REQUIRE(!t.insert("Kusama", 1));
  BOOST_TEST(ets::tab2file(t, "/nonexistent-dir/scores.tab") == caf::sec::cannot_open_file);
  BOOST_TEST(ets::tab2file(t, dir.path) == caf::sec::cannot_open_file);
  BOOST_TEST(ets::file2tab<scores>(as(owner), "/nonexistent-dir/scores.tab").error()
             == caf::sec::cannot_open_file);
  BOOST_TEST(ets::file2tab<scores>(as(owner), dir.path).error() == ets::errc::bad_file);
  BOOST_TEST(ets::file2tab<scores>(as(owner), "").error() == caf::sec::cannot_open_file);
  ::rmdir(dir.path.c_str());
  end(owner);
}

BOOST_AUTO_TEST_CASE(durable_tables_refuse_bad_paths_and_options) {
  temp_path dir;
  ::mkdir(dir.path.c_str(), 0700);
  BOOST_TEST(journal::open(dir.path).error() == ets::errc::bad_file);
  BOOST_TEST(journal::open("").error() == caf::sec::invalid_argument);
  BOOST_TEST(journal::open("/nonexistent-dir/t.table").error() == caf::sec::cannot_open_file);
  ::rmdir(dir.path.c_str());
  temp_path f;
  ets::durable_options ro;
  ro.read_only = true;
  BOOST_TEST(journal::open(f.path, ro).error() == caf::sec::cannot_open_file);
  for (auto interval : {0ms, -1ms, std::chrono::milliseconds::max()}) {
    ets::durable_options group;
    group.durability = ets::durability::group;
    group.flush_interval = interval;
    BOOST_TEST(journal::open(f.path, group).error() == caf::sec::invalid_argument);
  }
  ets::durable_options no_map;
  no_map.initial_map_size = 0;
  BOOST_TEST(journal::open(f.path, no_map).error() == caf::sec::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_durable_table_refuses_bad_keys_and_closed_use_and_loses_nothing) {
  temp_path f;
  auto t = *journal::open(f.path);
  BOOST_REQUIRE(!t.insert("Kusama", 1));
  BOOST_TEST(t.insert(std::string(600, 'k'), 2) == caf::sec::invalid_argument);
  // A key too long to store is in no table: looking it up finds nothing.
  auto long_key = t.lookup(std::string(600, 'k'));
  BOOST_TEST((long_key && !*long_key));
  BOOST_TEST((*t.lookup("Kusama") == std::optional<int>{1}));
  BOOST_TEST(journal::open(f.path).error() == ets::errc::no_access); // open twice in one process
  BOOST_TEST(!t.close());
  BOOST_TEST(t.insert("Sharon", 2) == ets::errc::table_closed);
  BOOST_TEST(t.close() == ets::errc::table_closed);
  // Opened as another type: refused, and the file is untouched.
  using int_journal = ets::durable_set<int, int>;
  BOOST_TEST(int_journal::open(f.path).error() == ets::errc::wrong_type);
  auto again = *journal::open(f.path);
  BOOST_TEST(*again.size() == 1u);
  again.close();
}

BOOST_AUTO_TEST_SUITE_END()
