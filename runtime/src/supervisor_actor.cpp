#include "supervisor_actor.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {


class supervisor_actor::children_view final : public child_list {
public:
  explicit children_view(const child_seq& xs) : xs_(xs) {}

  std::size_t size() const noexcept override { return xs_.size(); }

  child_view operator[](std::size_t i) const override {
    auto& ch = *xs_[i];
    return {ch.spec.id, ch.spec.restart, ch.spec.type, static_cast<bool>(ch.actor)};
  }

private:
  const child_seq& xs_;
};

supervisor_actor::supervisor_actor(caf::actor_config& cfg, supervisor_flags flags,
                                   std::vector<child_spec> specs,
                                   caf::actor_addr boot_listener)
  : caf::event_based_actor(cfg),
    flags_(std::move(flags)),
    intensity_(flags_.intensity, flags_.period),
    boot_listener_(std::move(boot_listener)) {
  if (flags_.name.empty())
    flags_.name = "supervisor";
  if (!flags_.reports)
    flags_.reports = stderr_report_sink();
  invalid_ = validate(flags_, specs);
  if (invalid_)
    return;
  children_.reserve(specs.size());
  for (auto& spec : specs) {
    auto ch = std::make_shared<child>();
    ch->spec = std::move(spec);
    children_.push_back(std::move(ch));
  }
}

caf::behavior supervisor_actor::make_behavior() {
  // Children never outlive their supervisor. An orderly stop has stopped them
  // all before this runs; a kill or a crash has not, so pass the reason on. A
  // kill stays a kill: CAF cannot trap it, so neither may the children.
  attach_functor([this](const caf::error& reason) {
    for (auto& ch : children_) {
      if (ch->actor)
        pass_end_on(address(), reason, ch->actor);
      // A pending continuation holds its own child: break the cycle.
      ch->pending = nullptr;
    }
  });
  set_down_handler([this](caf::down_msg& msg) { on_down(msg); });
  set_exit_handler([this](caf::exit_msg& msg) {
    // Any trappable exit signal (from the parent, or a stop request) is an
    // order to shut down; a linked actor ending normally is not.
    if (msg.reason)
      shutdown(std::move(msg.reason));
  });
  if (invalid_) {
    shutdown(invalid_);
    return {};
  }
  add_job([this] { boot(); });
  return {
    [this](ready_atom) -> caf::result<caf::ok_atom> {
      if (booted_)
        return caf::ok_atom::value;
      auto rp = make_response_promise();
      ready_waiters_.push_back(rp);
      return rp;
    },
    [this](started_atom) {
      // A child with init_ack::on_started_message says it is up.
      auto sender = current_sender();
      if (!sender)
        return;
      auto i = by_actor_.find(sender->id());
      if (i != by_actor_.end() && i->second->spec.ack == init_ack::on_started_message)
        init_completed(i->second, i->second->actor);
    },
    [this](which_children_atom) -> caf::result<std::vector<child_info>> {
      return read<std::vector<child_info>>([this] { return which_children(); });
    },
    [this](count_children_atom) -> caf::result<child_counts> {
      return read<child_counts>([this] { return count_children(); });
    },
    [this](get_childspec_atom, std::string& id) -> caf::result<child_spec> {
      return read<child_spec>([this, id]() -> caf::expected<child_spec> {
        if (auto ch = find(id))
          return ch->spec;
        return make_error(errc::not_found, id);
      });
    },
    [this](start_child_atom, child_spec& spec) -> caf::result<caf::actor> {
      if (auto err = validate_child(flags_, spec))
        return err;
      auto rp = make_response_promise<caf::actor>();
      add_job(
        [this, rp, spec{std::move(spec)}]() mutable {
          if (auto existing = find(spec.id)) {
            if (existing->actor)
              rp.deliver(make_error(errc::already_started, caf::make_message(existing->actor)));
            else
              rp.deliver(make_error(errc::already_present, spec.id));
            job_done();
            return;
          }
          auto ch = std::make_shared<child>();
          ch->spec = std::move(spec);
          children_.push_back(ch);
          start(ch, [this, rp, ch](const caf::error& err) mutable {
            if (err) {
              // OTP keeps no spec for a child that start_child failed to start.
              remove(ch);
              rp.deliver(start_failed(ch->spec.id, err));
            } else {
              if (!ch->actor && ch->spec.restart == restart_type::temporary)
                remove(ch);
              rp.deliver(ch->actor);
            }
            job_done();
          });
        },
        [rp](const caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [this](terminate_child_atom, std::string& id) -> caf::result<caf::unit_t> {
      auto rp = make_response_promise<caf::unit_t>();
      add_job(
        [this, rp, id{std::move(id)}]() mutable {
          auto ch = find(id);
          if (!ch) {
            rp.deliver(make_error(errc::not_found, id));
            job_done();
            return;
          }
          stop(ch, [this, rp, ch](const caf::error&) mutable {
            if (ch->spec.restart == restart_type::temporary)
              remove(ch);
            else
              ch->state = status::idle;
            rp.deliver(caf::unit);
            job_done();
          });
        },
        [rp](const caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [](terminate_child_atom, caf::actor&) -> caf::result<caf::unit_t> {
      return make_error(errc::not_supported,
                        "the children of a static supervisor are identified by their id");
    },
    [this](restart_child_atom, std::string& id) -> caf::result<caf::actor> {
      auto rp = make_response_promise<caf::actor>();
      add_job(
        [this, rp, id{std::move(id)}]() mutable {
          auto ch = find(id);
          caf::error err;
          if (!ch)
            err = make_error(errc::not_found, id);
          else if (ch->state == status::restarting)
            err = make_error(errc::restarting, id);
          else if (ch->state != status::idle)
            err = make_error(errc::running, id);
          if (err) {
            rp.deliver(std::move(err));
            job_done();
            return;
          }
          start(ch, [this, rp, ch](const caf::error& err) mutable {
            if (err)
              rp.deliver(start_failed(ch->spec.id, err));
            else
              rp.deliver(ch->actor);
            job_done();
          });
        },
        [rp](const caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [this](delete_child_atom, std::string& id) -> caf::result<caf::unit_t> {
      auto rp = make_response_promise<caf::unit_t>();
      add_job(
        [this, rp, id{std::move(id)}]() mutable {
          auto ch = find(id);
          if (!ch)
            rp.deliver(make_error(errc::not_found, id));
          else if (ch->state == status::restarting)
            rp.deliver(make_error(errc::restarting, id));
          else if (ch->state != status::idle)
            rp.deliver(make_error(errc::running, id));
          else {
            remove(ch);
            rp.deliver(caf::unit);
          }
          job_done();
        },
        [rp](const caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [this](shutdown_timeout_atom, int64_t target) { stopper_.expire(*this, target); },
    [this](try_again_atom) {
      auto ch = std::move(retries_.front());
      retries_.pop_front();
      add_job([this, ch] { run_restart(ch); });
    },
  };
}

// -- jobs ------------------------------------------------------------------------

void supervisor_actor::add_job(std::function<void()> run,
                               std::function<void(const caf::error&)> cancel) {
  if (stopping_) {
    if (cancel)
      cancel(make_error(errc::supervisor_stopping));
    return;
  }
  jobs_.push_back({std::move(run), std::move(cancel)});
  run_jobs();
}

void supervisor_actor::run_jobs() {
  // Jobs that finish synchronously call job_done() from inside run(); the
  // loop picks up the next one instead of recursing.
  if (running_jobs_)
    return;
  running_jobs_ = true;
  while (!busy_ && !stopping_ && !jobs_.empty()) {
    auto next = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    next.run();
  }
  running_jobs_ = false;
}

void supervisor_actor::job_done() {
  busy_ = false;
  run_jobs();
}

// -- starting and stopping one child ----------------------------------------------------

void supervisor_actor::start(const child_ptr& ch, continuation done) {
  static const caf::message no_args;
  start_context ctx{*this, flags_.reports, no_args};
  auto result = call_start(ch->spec, ctx);
  if (result.reason() || result.ignored()) {
    ch->state = status::idle;
    if (result.reason())
      emit(report_kind::start_failed, ch, result.reason());
    done(result.reason());
    return;
  }
  ch->actor = result.child();
  ch->state = status::starting;
  ch->start_error = caf::error{};
  ch->pending = std::move(done);
  by_actor_.emplace(ch->actor.id(), ch);
  monitor(ch->actor);
  if (auto err = register_name(ch->spec, ch->actor)) {
    init_failed(ch, ch->actor, std::move(err));
    return;
  }
  await_init(ch, ch->actor);
}

void supervisor_actor::await_init(const child_ptr& ch, const caf::actor& actor) {
  // A child with init_ack::on_started_message counts as up only when it says
  // so (started_atom).
  detail::await_init(
    *this, actor,
    [this, ch, actor] {
      if (ch->spec.ack == init_ack::on_init)
        init_completed(ch, actor);
    },
    [this, ch, actor](caf::error err) { init_failed(ch, actor, std::move(err)); });
}

void supervisor_actor::init_completed(const child_ptr& ch, const caf::actor& actor) {
  if (ch->actor != actor || ch->state != status::starting)
    return;
  ch->state = status::running;
  auto done = std::move(ch->pending);
  ch->pending = nullptr;
  done(caf::error{});
}

void supervisor_actor::init_failed(const child_ptr& ch, const caf::actor& actor,
                                   caf::error reason) {
  if (ch->actor != actor || ch->state != status::starting)
    return;
  // The child lives but cannot say it is up: end it, and fail the start with
  // this reason once its down message arrives.
  ch->start_error = std::move(reason);
  send_exit_now(actor, caf::exit_reason::kill);
}

void supervisor_actor::stop(const child_ptr& ch, continuation done) {
  if (!ch->actor) {
    if (ch->state == status::restarting)
      ch->state = status::idle;
    done(caf::error{});
    return;
  }
  if (ch->state == status::stopping) {
    // Already on its way down: complete both waiters.
    auto first = std::move(ch->pending);
    ch->pending = [first{std::move(first)}, done{std::move(done)}](const caf::error& err) {
      first(err);
      done(err);
    };
    return;
  }
  if (ch->state == status::starting && ch->pending) {
    // Stopping a child that is still starting fails that start.
    auto start_done = std::move(ch->pending);
    ch->pending = [start_done{std::move(start_done)},
                   done{std::move(done)}](const caf::error& err) {
      start_done(err ? err : caf::error{caf::exit_reason::user_shutdown});
      done(caf::error{});
    };
  } else {
    ch->pending = std::move(done);
  }
  ch->state = status::stopping;
  stopper_.stop(*this, ch->actor, ch->spec.effective_shutdown());
}

template <class T, class F>
caf::result<T> supervisor_actor::read(F fun) {
  if (stopping_)
    return make_error(errc::supervisor_stopping);
  // As in OTP, a call waits while the supervisor is busy changing children
  // (a boot, a restart plan, a start or stop); between jobs, and so between
  // the attempts of a failing restart, it is answered at once.
  if (!busy_ && jobs_.empty())
    return fun();
  auto rp = make_response_promise<T>();
  add_job(
    [this, rp, fun{std::move(fun)}]() mutable {
      caf::expected<T> result{fun()};
      if (result)
        rp.deliver(std::move(*result));
      else
        rp.deliver(std::move(result.error()));
      job_done();
    },
    [rp](const caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

void supervisor_actor::start_all(std::shared_ptr<child_seq> list, std::size_t pos,
                                 std::function<void(const child_ptr&, const caf::error&)> done) {
  // Starts that complete at once (ignored, failed) loop here; the others
  // resume the loop from their continuation.
  struct outcome {
    bool sync = true;
    bool completed = false;
    caf::error reason;
  };
  while (pos < list->size()) {
    auto ch = (*list)[pos++];
    if (ch->removed || ch->actor)
      continue;
    auto result = std::make_shared<outcome>();
    start(ch, [this, list, pos, done, ch, result](const caf::error& err) {
      if (result->sync) {
        result->completed = true;
        result->reason = err;
      } else if (stopping_) {
        return;
      } else if (err) {
        done(ch, err);
      } else {
        start_all(list, pos, done);
      }
    });
    result->sync = false;
    if (!result->completed)
      return;
    if (result->reason) {
      done(ch, result->reason);
      return;
    }
  }
  done(nullptr, caf::error{});
}

void supervisor_actor::stop_all(std::shared_ptr<child_seq> list, std::size_t pos,
                                std::function<void()> done) {
  while (pos < list->size()) {
    auto ch = (*list)[pos++];
    if (!ch->actor) {
      if (ch->state == status::restarting)
        ch->state = status::idle;
      continue;
    }
    stop(ch, [this, list, pos, done](const caf::error&) { stop_all(list, pos, done); });
    return;
  }
  done();
}

// -- life cycle ------------------------------------------------------------------------

void supervisor_actor::boot() {
  auto list = std::make_shared<child_seq>(children_);
  start_all(list, 0, [this](const child_ptr& failed, const caf::error& err) {
    if (failed) {
      auto reason = start_failed(failed->spec.id, err);
      for (auto& rp : ready_waiters_)
        rp.deliver(reason);
      ready_waiters_.clear();
      shutdown(std::move(reason));
      return;
    }
    // A temporary child whose start was ignored leaves no spec (OTP).
    child_seq ignored;
    for (auto& ch : children_) {
      if (ch->actor)
        emit(report_kind::child_started, ch, {}, ch->actor.address());
      else if (ch->spec.restart == restart_type::temporary)
        ignored.push_back(ch);
    }
    for (auto& ch : ignored)
      remove(ch);
    booted_ = true;
    if (auto listener = caf::actor_cast<caf::actor>(boot_listener_))
      send(listener, started_atom::value);
    boot_listener_ = nullptr;
    for (auto& rp : ready_waiters_)
      rp.deliver(caf::ok_atom::value);
    ready_waiters_.clear();
    job_done();
  });
}

void supervisor_actor::on_down(caf::down_msg& msg) {
  auto i = by_actor_.find(msg.source.id());
  if (i == by_actor_.end())
    return;
  auto ch = std::move(i->second);
  by_actor_.erase(i);
  stopper_.ended(msg.source.id());
  ch->actor = nullptr;
  auto previous = ch->state;
  ch->state = status::idle;
  switch (previous) {
    case status::starting: {
      auto reason = ch->start_error ? ch->start_error : msg.reason;
      if (!reason)
        reason = caf::make_error(caf::sec::runtime_error, "child ended during its init");
      emit(report_kind::start_failed, ch, reason);
      auto done = std::move(ch->pending);
      ch->pending = nullptr;
      if (done)
        done(reason);
      break;
    }
    case status::stopping: {
      auto done = std::move(ch->pending);
      ch->pending = nullptr;
      if (done)
        done(caf::error{});
      break;
    }
    case status::running:
      child_exited(ch, msg.source, msg.reason);
      break;
    case status::idle:
    case status::restarting:
      break;
  }
}

void supervisor_actor::child_exited(const child_ptr& ch, caf::actor_addr actor,
                                    const caf::error& reason) {
  emit(report_kind::child_exited, ch, reason, std::move(actor));
  if (stopping_)
    return;
  auto restart = ch->spec.restart == restart_type::permanent
                 || (ch->spec.restart == restart_type::transient && !is_normal_exit(reason));
  if (!restart) {
    if (ch->spec.restart == restart_type::temporary)
      remove(ch);
    check_auto_shutdown(ch);
    return;
  }
  if (!count_restart())
    return;
  schedule_restart(ch);
}

bool supervisor_actor::count_restart() {
  if (intensity_.record(clock().now()))
    return true;
  emit(report_kind::intensity_reached, nullptr);
  shutdown(make_error(errc::reached_max_restart_intensity, flags_.name));
  return false;
}

void supervisor_actor::schedule_restart(const child_ptr& ch) {
  ch->state = status::restarting;
  add_job([this, ch] { run_restart(ch); });
}

void supervisor_actor::run_restart(const child_ptr& ch) {
  // terminate_child or delete_child may have dealt with it meanwhile.
  if (ch->removed || ch->state != status::restarting) {
    job_done();
    return;
  }
  restart_plan plan;
  try {
    plan = flags_.strategy->plan(children_view{children_}, index_of(ch));
  } catch (const std::exception& e) {
    shutdown(caf::make_error(caf::sec::runtime_error,
                             std::string{"restart strategy failed: "} + e.what()));
    return;
  }
  // Children the plan names, each once, in the plan's order. A failed restart
  // leaves children marked restarting; the retry takes them along, so that no
  // child is left behind whatever the strategy returns.
  std::vector<bool> picked(children_.size(), false);
  auto pick = [&](const std::vector<std::size_t>& indices) {
    auto result = std::make_shared<child_seq>();
    for (auto i : indices)
      if (i < children_.size() && !picked[i]) {
        picked[i] = true;
        result->push_back(children_[i]);
      }
    return result;
  };
  auto to_stop = pick(plan.terminate);
  std::fill(picked.begin(), picked.end(), false);
  auto to_start = pick(plan.restart);
  for (std::size_t i = 0; i < children_.size(); ++i)
    if (!picked[i] && children_[i]->state == status::restarting)
      to_start->push_back(children_[i]);
  stop_all(to_stop, 0, [this, to_stop, to_start] {
    if (stopping_)
      return;
    for (auto& x : *to_stop)
      if (x->spec.restart == restart_type::temporary)
        remove(x);
    to_start->erase(std::remove_if(to_start->begin(), to_start->end(),
                                   [](auto& x) {
                                     return x->removed
                                            || x->spec.restart == restart_type::temporary;
                                   }),
                    to_start->end());
    for (auto& x : *to_start)
      if (!x->actor)
        x->state = status::restarting;
    start_all(to_start, 0, [this, to_start](const child_ptr& failed, const caf::error&) {
      for (auto& x : *to_start)
        if (x->actor && x->state == status::running && x != failed)
          emit(report_kind::child_restarted, x, {}, x->actor.address());
      if (failed) {
        // start() has reported the failure. As OTP's try_again_restart, each
        // failed attempt counts as a restart, and the retry goes through the
        // mailbox so that calls keep working meanwhile.
        for (auto& x : *to_start)
          if (!x->actor && !x->removed)
            x->state = status::restarting;
        job_done();
        if (count_restart()) {
          retries_.push_back(failed);
          send(this, try_again_atom::value);
        }
        return;
      }
      job_done();
    });
  });
}

void supervisor_actor::check_auto_shutdown(const child_ptr& ch) {
  if (!ch->spec.significant || flags_.auto_shutdown == auto_shutdown::never)
    return;
  if (flags_.auto_shutdown == auto_shutdown::all_significant) {
    for (auto& x : children_)
      if (x->spec.significant && (x->actor || x->state == status::restarting))
        return;
  }
  shutdown(caf::exit_reason::user_shutdown);
}

void supervisor_actor::shutdown(caf::error reason) {
  if (stopping_)
    return;
  stopping_ = true;
  emit(report_kind::supervisor_stopping, nullptr, reason);
  for (auto& j : jobs_)
    if (j.cancel)
      j.cancel(make_error(errc::supervisor_stopping));
  jobs_.clear();
  for (auto& rp : ready_waiters_)
    rp.deliver(reason);
  ready_waiters_.clear();
  auto list = std::make_shared<child_seq>(children_.rbegin(), children_.rend());
  stop_all(list, 0, [this, reason] { quit(reason); });
}

// -- management ---------------------------------------------------------------------------

std::vector<child_info> supervisor_actor::which_children() const {
  std::vector<child_info> result;
  result.reserve(children_.size());
  for (auto& ch : children_) {
    child_info info;
    info.id = ch->spec.id;
    info.type = ch->spec.type;
    switch (ch->state) {
      case status::running:
      case status::stopping:
        info.actor = ch->actor;
        info.status = child_info::state::running;
        break;
      case status::starting:
      case status::restarting:
        info.status = child_info::state::restarting;
        break;
      case status::idle:
        info.status = child_info::state::undefined;
        break;
    }
    result.push_back(std::move(info));
  }
  return result;
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

void supervisor_actor::remove(const child_ptr& ch) {
  ch->removed = true;
  children_.erase(std::remove(children_.begin(), children_.end(), ch), children_.end());
}

std::size_t supervisor_actor::index_of(const child_ptr& ch) const {
  return static_cast<std::size_t>(std::find(children_.begin(), children_.end(), ch)
                                  - children_.begin());
}

// -- helpers --------------------------------------------------------------------------------

void supervisor_actor::emit(report_kind kind, const child_ptr& ch, caf::error reason,
                            caf::actor_addr actor) {
  detail::emit(flags_.reports, kind, flags_.name, ch ? ch->spec.id : std::string{},
               std::move(actor), std::move(reason));
}

void supervisor_actor::send_exit_now(const caf::actor& dest, caf::error reason) {
  detail::send_exit_now(*this, dest, std::move(reason));
}

} // namespace kintsugi::detail
