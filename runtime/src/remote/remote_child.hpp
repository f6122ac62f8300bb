#pragma once

// What a child whose actor lives in another OS process (process_child.cpp) or
// on another node (node_child.cpp) does once that actor runs: it is the local
// handle the supervisor holds; it forwards every message to the actor (the
// sender kept, so replies go straight back), passes exit signals on, and asks
// the actor at intervals whether it still answers. How the actor comes to be,
// and how its end is learnt, is the launcher's. Internal.

#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message_handler.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/error.hpp"

namespace kintsugi::detail {

/// What every remote child is configured with.
struct remote_settings {
  std::string actor_type;
  std::chrono::milliseconds heartbeat_interval;
  std::chrono::milliseconds heartbeat_timeout;
  std::chrono::milliseconds launch_timeout;
};

/// Checks the durations of `x`; the error is `errc::invalid_spec`.
caf::error check(const remote_settings& x);

/// The settings in a launcher's public options.
template <class Options>
remote_settings settings_of(const Options& x) {
  return {x.actor_type, x.heartbeat_interval, x.heartbeat_timeout, x.launch_timeout};
}

class remote_child : public caf::event_based_actor {
public:
  caf::behavior make_behavior() final;

protected:
  remote_child(caf::actor_config& cfg, remote_settings settings, caf::actor_addr supervisor);

  // -- what each launcher provides -----------------------------------------------

  /// Starts the launch and returns the messages handled until `run`. Messages
  /// it does not handle wait in the mailbox until the actor runs.
  virtual caf::message_handler launching() = 0;
  /// The launcher's own messages while the actor runs; what they do not take
  /// is forwarded.
  virtual caf::message_handler while_running() = 0;
  /// The child must end with `reason` before its actor runs (an exit signal,
  /// or the launch deadline).
  virtual void abort_launch(caf::error reason) = 0;
  /// The actor missed a heartbeat: `why` says so; the child must end.
  virtual void unresponsive(caf::error why) = 0;

  // -- services -------------------------------------------------------------------

  /// The actor is up: tells the supervisor, and forwards from now on.
  void run(caf::actor remote);

  bool running() const noexcept {
    return static_cast<bool>(remote_);
  }

  const caf::actor& remote() const noexcept {
    return remote_;
  }

  const remote_settings& settings() const noexcept {
    return settings_;
  }

  /// Whether the current message comes from this actor itself (a timer).
  bool from_self();

  /// The reason of the exit signal that told it to stop, if one did.
  const caf::error& stop_reason() const noexcept {
    return stop_reason_;
  }

private:
  void on_exit_signal(caf::exit_msg& msg);
  void heartbeat_later();
  void heartbeat();

  remote_settings settings_;
  caf::actor_addr supervisor_;
  caf::actor remote_;
  caf::error stop_reason_;
};

/// The start function of a child that `Child` (a remote_child, constructed
/// from `options`, the start's arguments after `options.args`, and the
/// supervisor) stands for, once `options` pass `check` and the launcher's
/// own `check_more(options, system)`.
template <class Child, class Options, class CheckMore>
start_fn remote_start(Options options, CheckMore check_more) {
  return [options{std::move(options)}, check_more](start_context& ctx) -> start_result {
    if (auto err = check(settings_of(options)))
      return err;
    if (!ctx.system().has_middleman())
      return make_error(errc::invalid_spec, "a child in another process needs CAF's middleman: "
                                            "cfg.load<caf::io::middleman>()");
    if (auto err = check_more(options, ctx.system()))
      return err;
    auto& sup = ctx.supervisor();
    auto child = sup.spawn<Child>(options, options.args + ctx.args(), sup.address());
    ctx.announces_itself(child);
    return child;
  };
}

} // namespace kintsugi::detail
