#pragma once

// Helpers of the term-store tests: owners are actors of the test's own
// system; `as(actor)` gives the actor pointer a table operation is made for.

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

#include "fixture.hpp"
#include "kintsugi/ets/ets.hpp"

namespace kintsugi::test {

/// A file name of this test process and test case, removed (with the lock
/// file a durable table leaves beside it) before and after the test.
struct temp_path {
  std::string path = "/tmp/kintsugi-ets-" + std::to_string(::getpid()) + "-"
                     + boost::unit_test::framework::current_test_case().p_name.get();
  temp_path() {
    remove();
  }
  ~temp_path() {
    remove();
  }
  void remove() const {
    std::remove(path.c_str());
    std::remove((path + "-lock").c_str());
  }
  std::string bytes() const {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
  }
  void write(const std::string& content) const {
    std::ofstream{path, std::ios::binary | std::ios::trunc} << content;
  }
};

/// An actor that does nothing until it is told to quit.
caf::behavior idle(caf::event_based_actor* self);

struct ets_fixture : fixture {
  /// An idle actor of this test.
  caf::actor spawn_idle() {
    return sys.spawn(idle);
  }

  /// The actor behind a handle, to create or open tables for it.
  static caf::local_actor* as(const caf::actor& x) {
    return dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(x));
  }

  /// Ends `who` normally and runs until it has.
  void end(const caf::actor& who) {
    self->send_exit(who, caf::exit_reason::user_shutdown);
    run();
  }
};

} // namespace kintsugi::test
