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
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <caf/message.hpp>
#include <caf/response_promise.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/dynamic_supervisor.hpp"
#include "supervisor_core.hpp"

namespace kintsugi::detail {

class dynamic_supervisor_actor final : public supervisor_core {
public:
  // `parent`, when set, gets `started_atom` once the supervisor is up.
  dynamic_supervisor_actor(caf::actor_config& cfg, dynamic_supervisor_flags flags,
                           caf::actor_addr parent = {});

  const char* name() const override {
    return "kintsugi.dynamic_supervisor";
  }

private:
  using spec_ptr = std::shared_ptr<const child_spec>;

  struct child {
    caf::actor actor;
    spec_ptr spec;
    caf::message args;
    // starting (a first start or a restart, see `starts_`), running or
    // stopping: a child without an actor has no entry.
    child_phase phase;
    child_past past;
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
    child_past past;
  };

  // -- supervisor_core --------------------------------------------------------

  caf::message_handler management() override;
  void on_init() override;
  void child_down(caf::down_msg& msg) override;
  void child_up(const caf::actor_addr& child) override;
  void child_init_failed(const caf::actor_addr& child, caf::error reason) override;
  void try_again(uint64_t token) override;
  void shutdown(caf::error reason) override;
  void for_each_child_actor(const std::function<void(const caf::actor&)>& f) const override;
  std::size_t child_snapshots(std::size_t first, std::size_t limit,
                              std::vector<child_snapshot>& page) const override;
  std::string strategy_name() const override;

  // -- management requests ----------------------------------------------------

  caf::result<caf::actor> on_start_child(spec_ptr spec, caf::message args);
  caf::result<caf::unit_t> on_terminate_child(const caf::actor& who);
  caf::result<child_spec> on_get_childspec(const caf::actor& who);
  caf::result<std::vector<child_info>> on_which_children();
  caf::result<child_counts> on_count_children();

  // -- children ----------------------------------------------------------------

  // Starts a child; `caller` (none for a restart) gets the outcome.
  void start(spec_ptr spec, caf::message args, std::optional<caf::response_promise> caller,
             child_past past = {});
  // A first start fails for its caller; a restart is tried again later.
  void start_failed(retry failed, std::optional<caf::response_promise>& caller,
                    const caf::error& reason);
  // Restarts `failed` now, or after its backoff delay.
  void restart(retry failed);
  void child_exited(child ch, const caf::error& reason);
  void stop(child& ch);
  void quit_when_empty();
  // A child whose first start waits for its init: not listed or counted
  // until it is up (a restart is listed as restarting).
  bool first_start(caf::actor_id id, const child& ch) const;
  caf::error not_a_child(const caf::actor& who) const;

  dynamic_supervisor_flags flags_;
  spec_ptr template_;
  std::unordered_map<caf::actor_id, child> children_;
  std::unordered_map<caf::actor_id, pending_start> starts_;
  std::unordered_map<caf::actor_id, std::vector<caf::response_promise>> terminating_;
  // Restarts waiting for their delay or next attempt, by `try_again` token.
  std::map<uint64_t, retry> retries_;
  caf::error stop_reason_;
};

} // namespace kintsugi::detail
