#pragma once

// Helpers of the term-store tests: owners are actors of the test's own
// system; `as(actor)` gives the actor pointer a table operation is made for.

#include "fixture.hpp"
#include "kintsugi/ets/ets.hpp"

namespace kintsugi::test {

/// An actor that does nothing until it is told to quit.
caf::behavior idle(caf::event_based_actor* self);

struct ets_fixture : fixture {
  /// An idle actor of this test.
  caf::actor spawn_idle() { return sys.spawn(idle); }

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
