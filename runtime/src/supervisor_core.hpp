#pragma once

// What the static and the dynamic supervisor share: the behaviour prelude
// (exits, downs, a child saying it is up, stop deadlines, retries), starting
// one child, counting restarts, carrying out the decisions of exit_plan.hpp,
// and reports. The two actors derive from it and keep only what differs: how
// they hold their children and how they run changes to them. Internal.
//
// How a child comes up: `run_start` runs its start function. A child spawned by
// `start_context::spawn` says itself that it is up (`started_atom`); so does a
// child with `init_ack::on_started_message`. Any other actor is asked (CAF's
// `sys/get "info"` request, answered only once it has run its init). Either
// way the derived supervisor hears `child_up`; a child that dies first is
// reported by its down message instead.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/message_handler.hpp>

#include "backoff_tracker.hpp"
#include "child_lifecycle.hpp"
#include "exit_plan.hpp"
#include "kintsugi/child_spec.hpp"
#include "kintsugi/observer.hpp"
#include "kintsugi/report.hpp"
#include "kintsugi/restart_intensity.hpp"
#include "observed_system.hpp"

namespace kintsugi::detail {

/// What a supervisor keeps of one child across its restarts: the backoff
/// curve, and for `describe` how often it was restarted and how it last ended.
struct child_past {
  backoff_tracker backoff;
  uint64_t restarts = 0;
  caf::error last_exit;
};

/// The spec of a supervisor (`Actor`, spawned with its flags, `args...` and
/// its parent's address) as a child of another: a `supervisor` child that
/// says itself when it is up, named after `id` and reporting where its parent
/// reports unless its own flags say otherwise.
template <class Actor, class Flags, class... Ts>
child_spec child_supervisor_spec(std::string id, Flags flags, Ts... args) {
  child_spec spec;
  spec.id = id;
  spec.type = child_type::supervisor;
  spec.ack = init_ack::on_started_message;
  spec.start = [id, flags{std::move(flags)}, args...](start_context& ctx) -> start_result {
    auto own = flags;
    if (own.name.empty())
      own.name = id;
    if (!own.reports)
      own.reports = ctx.reports();
    auto& parent = ctx.supervisor();
    return parent.spawn<Actor>(std::move(own), args..., parent.address());
  };
  return spec;
}

class supervisor_core : public caf::event_based_actor {
public:
  caf::behavior make_behavior() final;

protected:
  /// `name` and `reports` may be empty: then `default_name` and the stderr
  /// sink. `invalid` (from validating the flags) makes the supervisor exit
  /// with it at once. `parent`, when set, is told `started_atom` by
  /// `announce_started`.
  supervisor_core(caf::actor_config& cfg, std::string name, std::string_view default_name,
                  report_sink reports, int intensity, std::chrono::milliseconds period,
                  caf::error invalid, caf::actor_addr parent);

  // -- what each kind of supervisor provides ------------------------------------

  /// The requests this kind of supervisor answers.
  virtual caf::message_handler management() = 0;
  /// Runs once the prelude is installed and the flags are valid.
  virtual void on_init() {
  }
  /// A down message from one of its children.
  virtual void child_down(caf::down_msg& msg) = 0;
  /// A child being started is up.
  virtual void child_up(const caf::actor_addr& child) = 0;
  /// A child being started cannot say it is up: it has been killed, and its
  /// start fails with `reason` once its down message arrives.
  virtual void child_init_failed(const caf::actor_addr& child, caf::error reason) = 0;
  /// Time for the restart that `schedule_restart` or `retry_later` returned
  /// `token` for.
  virtual void try_again(uint64_t token) = 0;
  /// Stops every child, then quits with `reason`. Called once at most.
  virtual void shutdown(caf::error reason) = 0;
  /// Calls `f` for each child that has an actor.
  virtual void for_each_child_actor(const std::function<void(const caf::actor&)>& f) const = 0;
  /// Appends to `page` the children from index `first` on, at most `limit`,
  /// in the order `describe` lists them, and returns how many there are in
  /// all. Only those on the page are copied: a page of a big supervisor is
  /// cheap.
  virtual std::size_t child_snapshots(std::size_t first, std::size_t limit,
                                      std::vector<child_snapshot>& page) const = 0;
  /// The strategy's name, for `describe`.
  virtual std::string strategy_name() const = 0;

  /// What `which_children` says: every child, as `describe` lists them.
  std::vector<child_info> all_child_infos() const;

  // -- services ---------------------------------------------------------------

  /// Runs `spec`'s start function with `args`. A spawned child is monitored,
  /// has its name registered, and will be heard of through `child_up`,
  /// `child_init_failed` or its down message.
  start_result run_start(const child_spec& spec, const caf::message& args);

  /// Why a start failed, given what was known (`known`, e.g. from
  /// `child_init_failed`) and the reason in the child's down message.
  static caf::error start_failure(const caf::error& known, const caf::error& down_reason);

  /// Carries out a decision of exit_plan.hpp's that ends the supervisor:
  /// reports the intensity if it was the cause, then `begin_shutdown`.
  void give_up(shut_down plan);

  /// Records one restart now (after a `restart_child` decision).
  void record_restart();

  /// Has `try_again` called with the token returned, through the mailbox and
  /// after `delay` if it is not zero (for a restart recorded already).
  uint64_t schedule_restart(std::chrono::milliseconds delay);

  /// Decides after a failed restart attempt, and either gives up (none) or
  /// records the attempt and schedules the next one, so that calls are
  /// answered between attempts (OTP's try_again_restart).
  std::optional<uint64_t> retry_later(std::chrono::milliseconds delay);

  /// How long the next restart of a child with `spec` waits: zero without a
  /// backoff, else the next step of its curve on `tracker`.
  std::chrono::milliseconds restart_delay(const child_spec& spec, backoff_tracker& tracker);

  /// Stops `child` by `policy`; its down message says when it has ended.
  void stop_child(const caf::actor& child, const shutdown_policy& policy);

  /// Kills `child` at once, ahead of its mailbox.
  void kill_child(const caf::actor& child);

  /// Tells the parent, if any, that this supervisor is up.
  void announce_started();

  /// Calls `shutdown` unless it has been called already.
  void begin_shutdown(caf::error reason);

  bool stopping() const noexcept {
    return stopping_;
  }

  void emit(report_kind kind, const std::string& child_id = {}, caf::actor_addr child = {},
            caf::error reason = {});

  const std::string& supervisor_name() const noexcept {
    return name_;
  }
  const report_sink& reports() const noexcept {
    return reports_;
  }
  const restart_intensity& intensity() const noexcept {
    return intensity_;
  }
  restart_intensity::time_point now() {
    return clock().now();
  }

private:
  void on_started_message();
  caf::result<supervisor_snapshot> on_describe(uint64_t first, uint64_t limit);
  void ask_whether_up(const caf::actor& child);

  std::string name_;
  report_sink reports_;
  restart_intensity intensity_;
  child_stopper stopper_;
  caf::error invalid_;
  // Told when this supervisor is up. Weak: a parent holds its child strongly.
  caf::actor_addr parent_;
  bool stopping_ = false;
  uint64_t next_restart_token_ = 0;
  // Where its reports are counted, and the observer finds it.
  std::shared_ptr<observed_system> observed_;
  // The jitter of backoff delays.
  std::minstd_rand random_;
};

} // namespace kintsugi::detail
