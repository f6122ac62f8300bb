#pragma once

// The dynamic supervisor as a CAF actor. Internal: users go through
// dynamic_supervisor.hpp.
//
// Unlike the static supervisor, nothing here is ordered: each child is
// started, restarted and stopped on its own, so starts do not queue behind
// one another and a shutdown stops every child at once. Bookkeeping is one
// small entry per child (the spec and the extra arguments are shared with
// the template and with the restarts), as a supervisor of 100,000 children
// pays it 100,000 times.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/response_promise.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/dynamic_supervisor.hpp"
#include "kintsugi/restart_intensity.hpp"
#include "child_lifecycle.hpp"

namespace kintsugi::detail {

class dynamic_supervisor_actor : public caf::event_based_actor {
public:
  dynamic_supervisor_actor(caf::actor_config& cfg, dynamic_supervisor_flags flags);

  caf::behavior make_behavior() override;

  const char* name() const override { return "kintsugi.dynamic_supervisor"; }

private:
  using spec_ptr = std::shared_ptr<const child_spec>;

  enum class status : uint8_t {
    starting,   // first start, waiting for its init; not listed yet
    restarting, // a restart, waiting for its init
    running,
    stopping,   // shutdown sent, waiting for its down message
  };

  struct child {
    caf::actor actor;
    spec_ptr spec;
    caf::message args;
    status state;
  };

  // A start that waits for the child's init.
  struct pending_start {
    // The start_child caller; none for a restart.
    std::optional<caf::response_promise> caller;
    // Why the start failed, when that was known before the down message.
    caf::error failure;
  };

  // A child whose restart failed, waiting for its next attempt.
  struct retry {
    spec_ptr spec;
    caf::message args;
  };

  caf::result<caf::actor> start_child(spec_ptr spec, caf::message args);
  // Starts a child; `caller` (none for a restart) gets the outcome.
  void start(spec_ptr spec, caf::message args, std::optional<caf::response_promise> caller);
  void init_completed(caf::actor_id id);
  void init_failed(caf::actor_id id, caf::error reason);
  // A first start fails for its caller; a restart is tried again later.
  void start_failed(const spec_ptr& spec, caf::message args,
                    std::optional<caf::response_promise>& caller, const caf::error& reason);

  void on_down(caf::down_msg& msg);
  void child_exited(child ch, const caf::error& reason);
  void stop(child& ch);
  // Counts a restart; gives up and returns false when the intensity is exceeded.
  bool count_restart();
  void shutdown(caf::error reason);
  void quit_when_empty();

  std::vector<child_info> which_children() const;
  child_counts count_children() const;
  void emit(report_kind kind, const spec_ptr& spec, caf::actor_addr actor = {},
            caf::error reason = {});

  dynamic_supervisor_flags flags_;
  spec_ptr template_;
  restart_intensity intensity_;
  child_stopper stopper_;
  std::unordered_map<caf::actor_id, child> children_;
  std::unordered_map<caf::actor_id, pending_start> starts_;
  std::unordered_map<caf::actor_id, std::vector<caf::response_promise>> terminating_;
  std::deque<retry> retries_;
  bool stopping_ = false;
  caf::error stop_reason_;
  caf::error invalid_;
};

} // namespace kintsugi::detail
