#pragma once

// The supervisor as a CAF actor. Internal: users go through supervisor.hpp.
//
// Everything a supervisor does that needs another actor to answer (start a
// child and wait for its init, stop a child and wait for its down message) is
// asynchronous, so the mailbox keeps flowing: reads (which_children, ...)
// are answered at once, child exits are noticed at once. Changes to the set of
// children (boot, restart plans, start/terminate/restart/delete_child) run one
// at a time from a job queue, as OTP's supervisor runs them one at a time
// inside its gen_server loop.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/restart_intensity.hpp"
#include "kintsugi/supervisor.hpp"
#include "kintsugi/supervisor_flags.hpp"
#include "child_lifecycle.hpp"

namespace kintsugi::detail {

class supervisor_actor : public caf::event_based_actor {
public:
  // `boot_listener`, when set, gets `started_atom` once every child is up.
  supervisor_actor(caf::actor_config& cfg, supervisor_flags flags,
                   std::vector<child_spec> specs, caf::actor_addr boot_listener = {});

  caf::behavior make_behavior() override;

  const char* name() const override { return "kintsugi.supervisor"; }

private:
  enum class status : uint8_t {
    idle,       // spec kept, no actor (OTP's undefined)
    starting,   // actor spawned, waiting for it to finish its init
    running,
    stopping,   // shutdown sent, waiting for its down message
    restarting, // waiting for a restart plan to start it again
  };

  // Called with an empty error on success.
  using continuation = std::function<void(const caf::error&)>;

  struct child {
    child_spec spec;
    caf::actor actor;
    status state = status::idle;
    bool removed = false;
    // Why a start failed before the down message arrived.
    caf::error start_error;
    // Completes the current start or stop when the down message arrives.
    continuation pending;
  };

  using child_ptr = std::shared_ptr<child>;
  using child_seq = std::vector<child_ptr>;

  struct job {
    std::function<void()> run;
    // Answers the requester when the supervisor stops before running it.
    std::function<void(const caf::error&)> cancel;
  };

  class children_view;

  // -- jobs ----------------------------------------------------------------------

  void add_job(std::function<void()> run, std::function<void(const caf::error&)> cancel = {});
  void run_jobs();
  void job_done();

  // -- starting and stopping one child ---------------------------------------------

  // Starts `ch`; `done` runs with the start's failure reason, or none. An
  // ignored start completes at once with `ch` left idle.
  void start(const child_ptr& ch, continuation done);
  void await_init(const child_ptr& ch, const caf::actor& actor);
  void init_completed(const child_ptr& ch, const caf::actor& actor);
  void init_failed(const child_ptr& ch, const caf::actor& actor, caf::error reason);

  // Stops `ch` by its shutdown policy; `done` runs once its actor has ended
  // (at once when it has none).
  void stop(const child_ptr& ch, continuation done);

  // Starts `list` in order, each fully up before the next; stops at the first
  // failure and passes the child that failed.
  void start_all(std::shared_ptr<child_seq> list, std::size_t pos,
                 std::function<void(const child_ptr&, const caf::error&)> done);
  // Stops `list` in order, one after the other.
  void stop_all(std::shared_ptr<child_seq> list, std::size_t pos, std::function<void()> done);

  // -- life cycle ------------------------------------------------------------------

  void boot();
  void on_down(caf::down_msg& msg);
  void child_exited(const child_ptr& ch, caf::actor_addr actor, const caf::error& reason);
  // Counts a restart; gives up and returns false when the intensity is exceeded.
  bool count_restart();
  void schedule_restart(const child_ptr& ch);
  void run_restart(const child_ptr& ch);
  void check_auto_shutdown(const child_ptr& ch);
  // Stops every child in reverse start order, then quits with `reason`.
  void shutdown(caf::error reason);

  // -- management --------------------------------------------------------------------

  // Answers a read now, or after the job in progress.
  template <class T, class F>
  caf::result<T> read(F fun);

  std::vector<child_info> which_children() const;
  child_counts count_children() const;
  child_ptr find(const std::string& id) const;
  void remove(const child_ptr& ch);
  std::size_t index_of(const child_ptr& ch) const;

  // -- helpers -----------------------------------------------------------------------

  void emit(report_kind kind, const child_ptr& ch, caf::error reason = {},
            caf::actor_addr actor = {});
  void send_exit_now(const caf::actor& dest, caf::error reason);

  supervisor_flags flags_;
  restart_intensity intensity_;
  child_seq children_;
  std::unordered_map<caf::actor_id, child_ptr> by_actor_;
  std::deque<job> jobs_;
  child_stopper stopper_;
  bool busy_ = false;
  bool running_jobs_ = false;
  bool booted_ = false;
  bool stopping_ = false;
  std::vector<caf::response_promise> ready_waiters_;
  // Children whose restart failed, waiting for their retry message.
  std::deque<child_ptr> retries_;
  // Why the flags or specs given at spawn are invalid.
  caf::error invalid_;
  // Told when the boot is done. Weak: a parent holds its child strongly.
  caf::actor_addr boot_listener_;
};

} // namespace kintsugi::detail
