#pragma once

// The static supervisor as a CAF actor. Internal: users go through
// supervisor.hpp.
//
// Changes to the set of children (the boot, a restart, start/terminate/
// restart/delete_child, the final shutdown) are jobs, run one at a time as
// OTP's supervisor runs them inside its gen_server loop. A job is a value: an
// optional `prepare` that checks the request and lists the children to stop
// and then to start, and a `finish` that answers it. One driver, `advance`,
// walks the lists; it waits for a down message after each stop and for the
// child's init after each start, and calls `finish` exactly once, when the
// lists are done, a start has failed, or the supervisor stops first. Reads
// (which_children, ...) are answered at once between jobs and wait for the job
// in progress otherwise, as OTP's calls do.

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/response_promise.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/supervisor.hpp"
#include "kintsugi/supervisor_flags.hpp"
#include "supervisor_core.hpp"

namespace kintsugi::detail {

class supervisor_actor final : public supervisor_core {
public:
  // `parent`, when set, gets `started_atom` once every child is up.
  supervisor_actor(caf::actor_config& cfg, supervisor_flags flags, std::vector<child_spec> specs,
                   caf::actor_addr parent = {});

  const char* name() const override {
    return "kintsugi.supervisor";
  }

private:
  struct child {
    child_spec spec;
    caf::actor actor;
    child_phase phase = child_phase::undefined;
    child_past past;
  };

  using child_ptr = std::shared_ptr<child>;
  using child_seq = std::vector<child_ptr>;

  class table;

  struct job;
  using job_ptr = std::unique_ptr<job>;

  // How a job ended: `failed` is the child whose start failed, if any, and
  // `error` why the job failed (empty on success).
  struct job_end {
    child_ptr failed;
    caf::error error;
  };

  struct job {
    // Checks the request against the children as they are when the job runs
    // and fills the lists; an error ends the job before any step.
    std::function<caf::error(job&)> prepare;
    std::function<void(job&, job_end)> finish;
    // Stopped one after the other, then started one after the other.
    child_seq to_stop;
    child_seq to_start;
    // The children this job has started, for its reports.
    child_seq started;
    // Where the driver is: the next entry of to_stop, then of to_start.
    std::size_t cursor = 0;
    bool stopping_done = false;
    std::optional<job_end> outcome;
    // Why the child being started cannot say it is up (child_init_failed).
    caf::error init_error;
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

  caf::result<caf::ok_atom> on_ready();
  caf::result<std::vector<child_info>> on_which_children();
  caf::result<child_counts> on_count_children();
  caf::result<child_spec> on_get_childspec(const std::string& id);
  caf::result<caf::actor> on_start_child(child_spec& spec);
  caf::result<caf::unit_t> on_terminate_child(const std::string& id);
  caf::result<caf::actor> on_restart_child(const std::string& id);
  caf::result<caf::unit_t> on_delete_child(const std::string& id);

  // -- jobs --------------------------------------------------------------------

  job_ptr boot_job();
  job_ptr restart_job(child_ptr failed, child_seq owed);
  job_ptr sweep_job(caf::error reason);

  // Queues `j`, or ends it at once with `supervisor_stopping`.
  void queue_job(job_ptr j);
  // Runs jobs until one waits for a message or none is left.
  void advance();
  // Takes the current job's next step; returns false while it waits.
  bool step(job& j);
  bool step_stop(job& j);
  bool step_start(job& j);
  void end_current(job_end end);
  bool idle() const noexcept {
    return !current_ && queue_.empty();
  }

  // Answers `fun()` now when idle, else after the jobs queued before it.
  template <class T, class F>
  caf::result<T> read(F fun);

  // Queues a request that changes children; the job answers `rp`.
  template <class T>
  caf::result<T>
  request_job(std::function<caf::error(job&)> prepare,
              std::function<void(job&, job_end, caf::typed_response_promise<T>&)> answer);

  // -- children ----------------------------------------------------------------

  void child_exited(const child_ptr& ch, const caf::actor_addr& actor, const caf::error& reason);
  child_counts count_children() const;
  child_ptr find(const std::string& id) const;
  std::size_t index_of(const child_ptr& ch) const;
  void remove(const child_ptr& ch);
  // Forgets the actor of a child that has ended.
  void clear_actor(child& ch);
  // An error for a child that cannot be (re)started or deleted: running or
  // restarting; none when it is undefined.
  caf::error busy_child_error(const child& ch) const;
  void emit_for(report_kind kind, const child_ptr& ch, caf::error reason = {});

  supervisor_flags flags_;
  child_seq children_;
  std::unordered_map<caf::actor_id, child_ptr> by_actor_;
  job_ptr current_;
  std::deque<job_ptr> queue_;
  bool advancing_ = false;
  bool booted_ = false;
  std::vector<caf::response_promise> ready_waiters_;

  // A restart that waits for its backoff delay or for its next attempt after
  // one failed (`try_again`), with the children an earlier attempt stopped and
  // did not start again.
  struct retry {
    child_ptr failed;
    child_seq owed;
  };
  std::map<uint64_t, retry> retries_;
};

} // namespace kintsugi::detail
