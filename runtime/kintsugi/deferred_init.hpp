#pragma once

/// @file
/// Deferred init, OTP's `handle_continue`: a child finishes its start at once,
/// so its supervisor is not held up by slow recovery (reading saved state,
/// say), and then runs a continuation that is guaranteed to run before the
/// actor handles any other message.
///
/// ```cpp
/// caf::behavior game(caf::stateful_actor<game_state>* self, std::string name) {
///   return kintsugi::deferred_init(
///     self, [=] { self->state = load_saved_state(name); },   // runs first
///     caf::behavior{[=](guess_atom, int row, int col) { return self->state.guess(row, col); }});
/// }
/// ```
///
/// Semantics: the behaviour function returns at once, so the supervisor counts
/// the child as started. The continuation then runs as the actor's first
/// handler. Messages that arrive before it has run wait in the mailbox (CAF's
/// `skip`) and are handled after it, against `running`, in the order they
/// came: none are dropped, none see the half-initialised state. Exit and down
/// messages are still handled meanwhile (a supervisor can stop the child). An
/// exception in the continuation ends the actor like one in any handler.
/// Install a custom default handler inside the continuation, not before.

#include <utility>

#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/skip.hpp>

namespace kintsugi {

/// The message that runs a deferred continuation; only the actor itself sends it.
using continue_atom = caf::atom_constant<caf::atom("k_continue")>;

/// Returns the behaviour that runs `continuation` first and then handles
/// messages with `running`; see the file comment.
template <class Self, class F>
caf::behavior deferred_init(Self* self, F continuation, caf::behavior running) {
  self->set_default_handler(caf::skip);
  self->send(self, continue_atom::value);
  return {
    [self, continuation{std::move(continuation)},
     running{std::move(running)}](continue_atom) mutable {
      // A continue_atom that someone else sent after the first one finds the
      // running behaviour, which does not handle it.
      self->set_default_handler(caf::scheduled_actor::default_handler{});
      continuation();
      self->become(std::move(running));
    },
  };
}

} // namespace kintsugi
