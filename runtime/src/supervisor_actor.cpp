#include "supervisor_actor.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include <caf/exit_reason.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {

class supervisor_actor::table final : public child_table {
public:
  explicit table(const child_seq& xs) : xs_(xs) {
  }

  std::size_t size() const noexcept override {
    return xs_.size();
  }
  const child_spec& spec(std::size_t i) const override {
    return xs_[i]->spec;
  }
  child_phase phase(std::size_t i) const override {
    return xs_[i]->phase;
  }

private:
  const child_seq& xs_;
};

supervisor_actor::supervisor_actor(caf::actor_config& cfg, supervisor_flags flags,
                                   std::vector<child_spec> specs, caf::actor_addr parent)
  : supervisor_core(cfg, flags.name, "supervisor", flags.reports, flags.intensity, flags.period,
                    validate(flags, specs), std::move(parent)),
    flags_(std::move(flags)) {
  children_.reserve(specs.size());
  for (auto& spec : specs) {
    auto ch = std::make_shared<child>();
    ch->spec = std::move(spec);
    children_.push_back(std::move(ch));
  }
}

// -- supervisor_core ------------------------------------------------------------

caf::message_handler supervisor_actor::management() {
  return {
    [this](ready_atom) { return on_ready(); },
    [this](which_children_atom) { return on_which_children(); },
    [this](count_children_atom) { return on_count_children(); },
    [this](get_childspec_atom, const std::string& id) { return on_get_childspec(id); },
    [this](start_child_atom, child_spec& spec) { return on_start_child(spec); },
    [this](terminate_child_atom, const std::string& id) { return on_terminate_child(id); },
    [](terminate_child_atom, const caf::actor&) -> caf::result<caf::unit_t> {
      return make_error(errc::not_supported,
                        "the children of a static supervisor are identified by their id");
    },
    [this](restart_child_atom, const std::string& id) { return on_restart_child(id); },
    [this](delete_child_atom, const std::string& id) { return on_delete_child(id); },
  };
}

void supervisor_actor::on_init() {
  queue_job(boot_job());
}

void supervisor_actor::child_down(caf::down_msg& msg) {
  auto i = by_actor_.find(msg.source.id());
  if (i == by_actor_.end())
    return;
  auto ch = std::move(i->second);
  by_actor_.erase(i);
  auto previous = ch->phase;
  clear_actor(*ch);
  switch (previous) {
    case child_phase::starting: {
      // Only the job in progress starts children, so the failure is its own.
      auto reason = start_failure(current_ ? current_->init_error : caf::error{}, msg.reason);
      emit_for(report_kind::start_failed, ch, reason);
      if (current_ && !stopping())
        current_->outcome = job_end{ch, std::move(reason)};
      break;
    }
    case child_phase::stopping:
      if (ch->spec.restart == restart_type::temporary)
        remove(ch);
      break;
    case child_phase::running:
      child_exited(ch, msg.source, msg.reason);
      break;
    case child_phase::undefined:
    case child_phase::restarting:
    case child_phase::deleted:
      break;
  }
  advance();
}

void supervisor_actor::child_up(const caf::actor_addr& child) {
  auto i = by_actor_.find(child.id());
  if (i == by_actor_.end() || i->second->phase != child_phase::starting)
    return;
  i->second->phase = child_phase::running;
  i->second->past.backoff.up(now());
  advance();
}

void supervisor_actor::child_init_failed(const caf::actor_addr& child, caf::error reason) {
  auto i = by_actor_.find(child.id());
  if (i != by_actor_.end() && i->second->phase == child_phase::starting && current_)
    current_->init_error = std::move(reason);
}

void supervisor_actor::try_again(uint64_t token) {
  auto i = retries_.find(token);
  if (i == retries_.end())
    return;
  auto next = std::move(i->second);
  retries_.erase(i);
  queue_job(restart_job(std::move(next.failed), std::move(next.owed)));
}

void supervisor_actor::shutdown(caf::error reason) {
  // Requests that will not run now learn why; the job in progress ends here,
  // and whatever it started is stopped by the sweep with everything else.
  auto cancelled = std::move(queue_);
  queue_.clear();
  if (current_)
    end_current({nullptr, make_error(errc::supervisor_stopping)});
  for (auto& j : cancelled)
    j->finish(*j, {nullptr, make_error(errc::supervisor_stopping)});
  retries_.clear();
  for (auto& rp : ready_waiters_)
    rp.deliver(reason);
  ready_waiters_.clear();
  current_ = sweep_job(std::move(reason));
  advance();
}

void supervisor_actor::for_each_child_actor(const std::function<void(const caf::actor&)>& f) const {
  for (auto& ch : children_)
    if (ch->actor)
      f(ch->actor);
}

// -- management requests ----------------------------------------------------------

caf::result<caf::ok_atom> supervisor_actor::on_ready() {
  if (booted_)
    return caf::ok_atom::value;
  auto rp = make_response_promise();
  ready_waiters_.push_back(rp);
  return rp;
}

caf::result<std::vector<child_info>> supervisor_actor::on_which_children() {
  return read<std::vector<child_info>>([this] { return all_child_infos(); });
}

caf::result<child_counts> supervisor_actor::on_count_children() {
  return read<child_counts>([this] { return count_children(); });
}

caf::result<child_spec> supervisor_actor::on_get_childspec(const std::string& id) {
  return read<child_spec>([this, id]() -> caf::expected<child_spec> {
    if (auto ch = find(id))
      return ch->spec;
    return make_error(errc::not_found, id);
  });
}

caf::result<caf::actor> supervisor_actor::on_start_child(child_spec& spec) {
  if (auto err = validate_child(flags_, spec))
    return err;
  auto ch = std::make_shared<child>();
  ch->spec = std::move(spec);
  return request_job<caf::actor>(
    [this, ch](job& j) -> caf::error {
      if (auto existing = find(ch->spec.id)) {
        if (existing->actor)
          return make_error(errc::already_started, caf::make_message(existing->actor));
        return make_error(errc::already_present, ch->spec.id);
      }
      children_.push_back(ch);
      j.to_start.push_back(ch);
      return {};
    },
    [this, ch](job&, job_end end, caf::typed_response_promise<caf::actor>& rp) {
      // OTP keeps no spec for a child that start_child failed to start, nor
      // for a temporary one whose start was ignored.
      if (end.failed) {
        remove(ch);
        rp.deliver(start_failed(ch->spec.id, end.error));
        return;
      }
      if (!ch->actor && ch->spec.restart == restart_type::temporary)
        remove(ch);
      rp.deliver(ch->actor);
    });
}

caf::result<caf::unit_t> supervisor_actor::on_terminate_child(const std::string& id) {
  return request_job<caf::unit_t>(
    [this, id](job& j) -> caf::error {
      auto ch = find(id);
      if (!ch)
        return make_error(errc::not_found, id);
      j.to_stop.push_back(ch);
      return {};
    },
    [](job&, job_end, caf::typed_response_promise<caf::unit_t>& rp) { rp.deliver(caf::unit); });
}

caf::result<caf::actor> supervisor_actor::on_restart_child(const std::string& id) {
  return request_job<caf::actor>(
    [this, id](job& j) -> caf::error {
      auto ch = find(id);
      if (!ch)
        return make_error(errc::not_found, id);
      if (auto err = busy_child_error(*ch))
        return err;
      j.to_start.push_back(ch);
      return {};
    },
    [](job& j, job_end end, caf::typed_response_promise<caf::actor>& rp) {
      auto& ch = *j.to_start.front();
      if (end.failed)
        rp.deliver(start_failed(ch.spec.id, end.error));
      else
        rp.deliver(ch.actor);
    });
}

caf::result<caf::unit_t> supervisor_actor::on_delete_child(const std::string& id) {
  return request_job<caf::unit_t>(
    [this, id](job&) -> caf::error {
      auto ch = find(id);
      if (!ch)
        return make_error(errc::not_found, id);
      if (auto err = busy_child_error(*ch))
        return err;
      remove(ch);
      return {};
    },
    [](job&, job_end, caf::typed_response_promise<caf::unit_t>& rp) { rp.deliver(caf::unit); });
}

template <class T, class F>
caf::result<T> supervisor_actor::read(F fun) {
  if (stopping())
    return make_error(errc::supervisor_stopping);
  // As in OTP, a call waits while the supervisor is busy changing children;
  // between jobs, and so between the attempts of a failing restart, it is
  // answered at once.
  if (idle())
    return caf::expected<T>{fun()};
  return request_job<T>(nullptr,
                        [fun{std::move(fun)}](job&, job_end, caf::typed_response_promise<T>& rp) {
                          caf::expected<T> x{fun()};
                          if (x)
                            rp.deliver(std::move(*x));
                          else
                            rp.deliver(std::move(x.error()));
                        });
}

template <class T>
caf::result<T> supervisor_actor::request_job(
  std::function<caf::error(job&)> prepare,
  std::function<void(job&, job_end, caf::typed_response_promise<T>&)> answer) {
  auto rp = make_response_promise<T>();
  auto j = std::make_unique<job>();
  j->prepare = std::move(prepare);
  j->finish = [rp, answer{std::move(answer)}](job& j, job_end end) mutable {
    // A refused request, or one the supervisor stopped before it ran.
    if (end.error && !end.failed)
      rp.deliver(std::move(end.error));
    else
      answer(j, std::move(end), rp);
  };
  queue_job(std::move(j));
  return rp;
}

// -- jobs ---------------------------------------------------------------------------

supervisor_actor::job_ptr supervisor_actor::boot_job() {
  auto j = std::make_unique<job>();
  j->to_start = children_;
  j->finish = [this](job&, job_end end) {
    if (end.error) {
      if (end.failed)
        begin_shutdown(start_failed(end.failed->spec.id, end.error));
      return;
    }
    // OTP keeps no spec for a temporary child whose start was ignored.
    child_seq ignored;
    for (auto& ch : children_) {
      if (ch->actor)
        emit_for(report_kind::child_started, ch);
      else if (ch->spec.restart == restart_type::temporary)
        ignored.push_back(ch);
    }
    for (auto& ch : ignored)
      remove(ch);
    booted_ = true;
    announce_started();
    for (auto& rp : ready_waiters_)
      rp.deliver(caf::ok_atom::value);
    ready_waiters_.clear();
  };
  return j;
}

supervisor_actor::job_ptr supervisor_actor::restart_job(child_ptr failed, child_seq owed) {
  auto j = std::make_unique<job>();
  j->prepare = [this, failed, owed{std::move(owed)}](job& j) -> caf::error {
    // terminate_child may have dealt with it meanwhile (OTP's
    // try_again_restart then does nothing).
    if (failed->phase != child_phase::restarting)
      return {};
    std::vector<std::size_t> owed_at;
    for (auto& ch : owed)
      if (ch->phase != child_phase::deleted)
        owed_at.push_back(index_of(ch));
    auto steps = plan_restart(table{children_}, index_of(failed), *flags_.strategy, owed_at);
    if (!steps)
      return std::move(steps.error());
    for (auto i : steps->stop)
      j.to_stop.push_back(children_[i]);
    for (auto i : steps->start)
      j.to_start.push_back(children_[i]);
    return {};
  };
  j->finish = [this](job& j, job_end end) {
    if (stopping())
      return;
    for (auto& ch : j.started)
      if (ch->phase == child_phase::running) {
        ++ch->past.restarts;
        emit_for(report_kind::child_restarted, ch);
      }
    if (!end.error)
      return;
    if (!end.failed) {
      begin_shutdown(std::move(end.error));
      return;
    }
    // OTP's rule while a restart keeps failing: only the child that failed to
    // start is `restarting`; the others the plan did not start again (the one
    // whose exit began it among them) are `undefined` until the next attempt,
    // which starts them too.
    end.failed->phase = child_phase::restarting;
    child_seq owed;
    for (auto& ch : j.to_start)
      if (ch != end.failed && !has_actor(ch->phase) && ch->phase != child_phase::deleted) {
        ch->phase = child_phase::undefined;
        owed.push_back(ch);
      }
    if (auto token = retry_later(restart_delay(end.failed->spec, end.failed->past.backoff)))
      retries_.emplace(*token, retry{std::move(end.failed), std::move(owed)});
  };
  return j;
}

supervisor_actor::job_ptr supervisor_actor::sweep_job(caf::error reason) {
  auto j = std::make_unique<job>();
  j->to_stop.assign(children_.rbegin(), children_.rend());
  j->finish = [this, reason{std::move(reason)}](job&, job_end) { quit(reason); };
  return j;
}

void supervisor_actor::queue_job(job_ptr j) {
  if (stopping()) {
    j->finish(*j, {nullptr, make_error(errc::supervisor_stopping)});
    return;
  }
  queue_.push_back(std::move(j));
  advance();
}

void supervisor_actor::advance() {
  // A job's finish may queue another job or begin the shutdown, which call
  // back here; the loop below picks those up instead of recursing.
  if (advancing_)
    return;
  advancing_ = true;
  for (;;) {
    if (!current_) {
      if (queue_.empty())
        break;
      current_ = std::move(queue_.front());
      queue_.pop_front();
      if (current_->prepare) {
        if (auto err = current_->prepare(*current_)) {
          end_current({nullptr, std::move(err)});
          continue;
        }
      }
    }
    if (!step(*current_))
      break;
    end_current(current_->outcome ? std::move(*current_->outcome) : job_end{});
  }
  advancing_ = false;
}

bool supervisor_actor::step(job& j) {
  if (!j.stopping_done) {
    if (!step_stop(j))
      return false;
    j.stopping_done = true;
    j.cursor = 0;
  }
  return step_start(j);
}

bool supervisor_actor::step_stop(job& j) {
  for (; j.cursor < j.to_stop.size(); ++j.cursor) {
    auto& ch = *j.to_stop[j.cursor];
    if (has_actor(ch.phase)) {
      if (ch.phase != child_phase::stopping) {
        ch.phase = child_phase::stopping;
        stop_child(ch.actor, ch.spec.effective_shutdown());
      }
      return false;
    }
    // Stopping a child that waits for a restart cancels that restart.
    if (ch.phase == child_phase::restarting)
      ch.phase = child_phase::undefined;
  }
  return true;
}

bool supervisor_actor::step_start(job& j) {
  for (; j.cursor < j.to_start.size(); ++j.cursor) {
    if (j.outcome)
      return true;
    auto& ch = j.to_start[j.cursor];
    if (ch->phase == child_phase::starting)
      return false;
    // Up (started by this job or still running), or forgotten meanwhile.
    if (has_actor(ch->phase) || ch->phase == child_phase::deleted)
      continue;
    j.init_error = caf::error{};
    auto result = run_start(ch->spec, caf::message{});
    if (result.child()) {
      ch->actor = result.child();
      ch->phase = child_phase::starting;
      by_actor_.emplace(ch->actor.id(), ch);
      j.started.push_back(ch);
      return false;
    }
    ch->phase = child_phase::undefined;
    if (result.reason()) {
      emit_for(report_kind::start_failed, ch, result.reason());
      j.outcome = job_end{ch, result.reason()};
      return true;
    }
  }
  return true;
}

void supervisor_actor::end_current(job_end end) {
  auto j = std::move(current_);
  j->finish(*j, std::move(end));
}

// -- children -------------------------------------------------------------------------

void supervisor_actor::child_exited(const child_ptr& ch, const caf::actor_addr& actor,
                                    const caf::error& reason) {
  emit(report_kind::child_exited, ch->spec.id, actor, reason);
  ch->past.last_exit = reason;
  if (stopping())
    return;
  auto plan = decide_exit(table{children_}, index_of(ch), reason, flags_.auto_shutdown, intensity(),
                          now(), supervisor_name());
  if (auto ended = std::get_if<leave_ended>(&plan)) {
    if (ended->forget)
      remove(ch);
  } else if (std::holds_alternative<restart_child>(plan)) {
    record_restart();
    ch->phase = child_phase::restarting;
    auto delay = restart_delay(ch->spec, ch->past.backoff);
    if (delay.count() > 0)
      retries_.emplace(schedule_restart(delay), retry{ch, {}});
    else
      queue_job(restart_job(ch, {}));
  } else {
    give_up(std::get<shut_down>(std::move(plan)));
  }
}

std::string supervisor_actor::strategy_name() const {
  return std::string{flags_.strategy->name()};
}

std::size_t supervisor_actor::child_snapshots(std::size_t first, std::size_t limit,
                                              std::vector<child_snapshot>& page) const {
  auto begin = std::min(first, children_.size());
  auto end = begin + std::min(limit, children_.size() - begin);
  for (auto i = begin; i < end; ++i) {
    auto& ch = children_[i];
    child_snapshot x;
    x.restart = ch->spec.restart;
    x.restarts = ch->past.restarts;
    x.last_exit = ch->past.last_exit;
    auto& info = x.info;
    info.id = ch->spec.id;
    info.type = ch->spec.type;
    switch (ch->phase) {
      case child_phase::running:
      case child_phase::stopping:
        info.actor = ch->actor;
        info.status = child_info::state::running;
        break;
      case child_phase::starting:
      case child_phase::restarting:
        info.status = child_info::state::restarting;
        break;
      case child_phase::undefined:
      case child_phase::deleted:
        info.status = child_info::state::undefined;
        break;
    }
    page.push_back(std::move(x));
  }
  return children_.size();
}

child_counts supervisor_actor::count_children() const {
  child_counts result;
  result.specs = children_.size();
  for (auto& ch : children_) {
    if (ch->actor)
      ++result.active;
    if (ch->spec.type == child_type::supervisor)
      ++result.supervisors;
    else
      ++result.workers;
  }
  return result;
}

supervisor_actor::child_ptr supervisor_actor::find(const std::string& id) const {
  for (auto& ch : children_)
    if (ch->spec.id == id)
      return ch;
  return nullptr;
}

std::size_t supervisor_actor::index_of(const child_ptr& ch) const {
  return static_cast<std::size_t>(std::find(children_.begin(), children_.end(), ch)
                                  - children_.begin());
}

void supervisor_actor::remove(const child_ptr& ch) {
  ch->phase = child_phase::deleted;
  children_.erase(std::remove(children_.begin(), children_.end(), ch), children_.end());
}

void supervisor_actor::clear_actor(child& ch) {
  ch.actor = nullptr;
  ch.phase = child_phase::undefined;
}

caf::error supervisor_actor::busy_child_error(const child& ch) const {
  if (ch.phase == child_phase::restarting)
    return make_error(errc::restarting, ch.spec.id);
  if (has_actor(ch.phase))
    return make_error(errc::running, ch.spec.id);
  return {};
}

void supervisor_actor::emit_for(report_kind kind, const child_ptr& ch, caf::error reason) {
  emit(kind, ch->spec.id, ch->actor.address(), std::move(reason));
}

} // namespace kintsugi::detail
