#include "dynamic_supervisor_actor.hpp"

#include <algorithm>
#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {

namespace {

caf::error identified_by_actor() {
  return make_error(errc::not_supported,
                    "the children of a dynamic supervisor are identified by their actor");
}

caf::error validate_dynamic_child(const child_spec& spec) {
  if (auto err = validate(spec))
    return err;
  if (spec.significant)
    return make_error(errc::invalid_spec,
                      fmt::format("child \"{}\": significant, but a dynamic supervisor has no "
                                  "auto_shutdown",
                                  spec.id));
  return {};
}

} // namespace

dynamic_supervisor_actor::dynamic_supervisor_actor(caf::actor_config& cfg,
                                                   dynamic_supervisor_flags flags)
  : caf::event_based_actor(cfg),
    flags_(std::move(flags)),
    intensity_(flags_.intensity, flags_.period) {
  if (flags_.name.empty())
    flags_.name = "dynamic_supervisor";
  if (!flags_.reports)
    flags_.reports = stderr_report_sink();
  invalid_ = validate(flags_);
  if (flags_.child_template) {
    template_ = std::make_shared<const child_spec>(std::move(*flags_.child_template));
    flags_.child_template.reset();
  }
}

caf::behavior dynamic_supervisor_actor::make_behavior() {
  // Children never outlive their supervisor: an orderly stop has stopped them
  // all before this runs; a kill or a crash has not.
  attach_functor([this](const caf::error& reason) {
    for (auto& entry : children_)
      pass_end_on(address(), reason, entry.second.actor);
  });
  set_down_handler([this](caf::down_msg& msg) { on_down(msg); });
  set_exit_handler([this](caf::exit_msg& msg) {
    if (msg.reason)
      shutdown(std::move(msg.reason));
  });
  if (invalid_) {
    shutdown(invalid_);
    return {};
  }
  return {
    [](ready_atom) { return caf::ok_atom::value; },
    [this](started_atom) {
      // A child with init_ack::on_started_message says it is up.
      auto sender = current_sender();
      if (!sender)
        return;
      auto i = children_.find(sender->id());
      if (i != children_.end() && i->second.spec->ack == init_ack::on_started_message)
        init_completed(sender->id());
    },
    [this](start_child_atom, child_spec& spec) -> caf::result<caf::actor> {
      if (auto err = validate_dynamic_child(spec))
        return err;
      return start_child(std::make_shared<const child_spec>(std::move(spec)),
                         flags_.extra_arguments);
    },
    [this](start_child_atom, caf::message& args) -> caf::result<caf::actor> {
      if (!template_)
        return make_error(errc::not_supported,
                          "this dynamic supervisor has no child template: start a full spec");
      return start_child(template_, flags_.extra_arguments + args);
    },
    [this](terminate_child_atom, caf::actor& who) -> caf::result<caf::unit_t> {
      if (stopping_)
        return make_error(errc::supervisor_stopping);
      auto i = who ? children_.find(who.id()) : children_.end();
      if (i == children_.end())
        return make_error(errc::not_found, "not a child of " + flags_.name + ": "
                                             + caf::to_string(who));
      auto rp = make_response_promise();
      terminating_[who.id()].push_back(rp);
      if (i->second.state != status::stopping)
        stop(i->second);
      return rp;
    },
    [this](get_childspec_atom, caf::actor& who) -> caf::result<child_spec> {
      auto i = who ? children_.find(who.id()) : children_.end();
      if (i == children_.end())
        return make_error(errc::not_found, "not a child of " + flags_.name + ": "
                                             + caf::to_string(who));
      return *i->second.spec;
    },
    [](terminate_child_atom, std::string&) -> caf::result<caf::unit_t> {
      return identified_by_actor();
    },
    [](restart_child_atom, std::string&) -> caf::result<caf::actor> {
      return identified_by_actor();
    },
    [](delete_child_atom, std::string&) -> caf::result<caf::unit_t> {
      return identified_by_actor();
    },
    [](get_childspec_atom, std::string&) -> caf::result<child_spec> {
      return identified_by_actor();
    },
    [this](which_children_atom) -> caf::result<std::vector<child_info>> {
      if (stopping_)
        return make_error(errc::supervisor_stopping);
      return which_children();
    },
    [this](count_children_atom) -> caf::result<child_counts> {
      if (stopping_)
        return make_error(errc::supervisor_stopping);
      return count_children();
    },
    [this](shutdown_timeout_atom, int64_t target) { stopper_.expire(*this, target); },
    [this](try_again_atom) {
      if (stopping_ || retries_.empty())
        return;
      auto next = std::move(retries_.front());
      retries_.pop_front();
      start(std::move(next.spec), std::move(next.args), std::nullopt);
    },
  };
}

// -- starting ---------------------------------------------------------------------

caf::result<caf::actor> dynamic_supervisor_actor::start_child(spec_ptr spec, caf::message args) {
  if (stopping_)
    return make_error(errc::supervisor_stopping);
  if (flags_.max_children && children_.size() + retries_.size() >= *flags_.max_children)
    return make_error(errc::max_children,
                      fmt::format("{} has {} children, its max_children", flags_.name,
                                  *flags_.max_children));
  auto rp = make_response_promise();
  start(std::move(spec), std::move(args), rp);
  return rp;
}

void dynamic_supervisor_actor::start(spec_ptr spec, caf::message args,
                                     std::optional<caf::response_promise> caller) {
  start_context ctx{*this, flags_.reports, args};
  auto result = call_start(*spec, ctx);
  if (result.ignored()) {
    // OTP keeps nothing of an ignored dynamic child, nor of one whose
    // restart was ignored.
    if (caller)
      caller->deliver(caf::actor{});
    return;
  }
  if (result.reason()) {
    start_failed(spec, std::move(args), caller, result.reason());
    return;
  }
  auto actor = result.child();
  auto id = actor.id();
  auto state = caller ? status::starting : status::restarting;
  children_.emplace(id, child{actor, spec, std::move(args), state});
  starts_.emplace(id, pending_start{std::move(caller), {}});
  monitor(actor);
  if (auto err = register_name(*spec, actor)) {
    init_failed(id, std::move(err));
    return;
  }
  detail::await_init(
    *this, actor,
    [this, id] {
      auto i = children_.find(id);
      if (i != children_.end() && i->second.spec->ack == init_ack::on_init)
        init_completed(id);
    },
    [this, id](caf::error err) { init_failed(id, std::move(err)); });
}

void dynamic_supervisor_actor::init_completed(caf::actor_id id) {
  auto i = children_.find(id);
  if (i == children_.end()
      || (i->second.state != status::starting && i->second.state != status::restarting))
    return;
  auto& ch = i->second;
  auto first = ch.state == status::starting;
  ch.state = status::running;
  auto p = starts_.find(id);
  auto caller = std::move(p->second.caller);
  starts_.erase(p);
  emit(first ? report_kind::child_started : report_kind::child_restarted, ch.spec,
       ch.actor.address());
  if (caller)
    caller->deliver(ch.actor);
}

void dynamic_supervisor_actor::init_failed(caf::actor_id id, caf::error reason) {
  auto i = children_.find(id);
  if (i == children_.end()
      || (i->second.state != status::starting && i->second.state != status::restarting))
    return;
  // The child lives but cannot say it is up: end it, and fail the start with
  // this reason once its down message arrives.
  starts_[id].failure = std::move(reason);
  send_exit_now(*this, i->second.actor, caf::exit_reason::kill);
}

void dynamic_supervisor_actor::start_failed(const spec_ptr& spec, caf::message args,
                                            std::optional<caf::response_promise>& caller,
                                            const caf::error& reason) {
  emit(report_kind::start_failed, spec, {}, reason);
  if (caller) {
    // A first start: the caller learns why, and nothing is kept (OTP).
    caller->deliver(kintsugi::start_failed(spec->id, reason));
    return;
  }
  if (stopping_)
    return;
  // A restart: as OTP's try_again_restart, each failed attempt counts as a
  // restart, and the retry goes through the mailbox so that calls keep
  // working meanwhile.
  if (count_restart()) {
    retries_.push_back({spec, std::move(args)});
    send(this, try_again_atom::value);
  }
}

// -- children ending --------------------------------------------------------------

void dynamic_supervisor_actor::on_down(caf::down_msg& msg) {
  auto id = msg.source.id();
  auto i = children_.find(id);
  if (i == children_.end())
    return;
  stopper_.ended(id);
  auto ch = std::move(i->second);
  children_.erase(i);
  switch (ch.state) {
    case status::starting:
    case status::restarting: {
      auto p = starts_.find(id);
      auto pending = std::move(p->second);
      starts_.erase(p);
      auto reason = pending.failure ? pending.failure : msg.reason;
      if (!reason)
        reason = caf::make_error(caf::sec::runtime_error, "child ended during its init");
      start_failed(ch.spec, std::move(ch.args), pending.caller, reason);
      break;
    }
    case status::stopping:
      if (auto t = terminating_.find(id); t != terminating_.end()) {
        for (auto& rp : t->second)
          rp.deliver(caf::unit);
        terminating_.erase(t);
      }
      break;
    case status::running:
      child_exited(std::move(ch), msg.reason);
      break;
  }
  quit_when_empty();
}

void dynamic_supervisor_actor::child_exited(child ch, const caf::error& reason) {
  emit(report_kind::child_exited, ch.spec, ch.actor.address(), reason);
  auto restart = ch.spec->restart == restart_type::permanent
                 || (ch.spec->restart == restart_type::transient && !is_normal_exit(reason));
  if (!restart || !count_restart())
    return;
  start(std::move(ch.spec), std::move(ch.args), std::nullopt);
}

void dynamic_supervisor_actor::stop(child& ch) {
  // Stopping a child that is still starting fails that start.
  if (auto p = starts_.find(ch.actor.id()); p != starts_.end()) {
    if (p->second.caller)
      p->second.caller->deliver(
        stopping_ ? make_error(errc::supervisor_stopping)
                  : kintsugi::start_failed(ch.spec->id, caf::exit_reason::user_shutdown));
    starts_.erase(p);
  }
  ch.state = status::stopping;
  stopper_.stop(*this, ch.actor, ch.spec->effective_shutdown());
}

bool dynamic_supervisor_actor::count_restart() {
  if (intensity_.record(clock().now()))
    return true;
  emit(report_kind::intensity_reached, nullptr);
  shutdown(make_error(errc::reached_max_restart_intensity, flags_.name));
  return false;
}

void dynamic_supervisor_actor::shutdown(caf::error reason) {
  if (stopping_)
    return;
  stopping_ = true;
  stop_reason_ = std::move(reason);
  emit(report_kind::supervisor_stopping, nullptr, {}, stop_reason_);
  retries_.clear();
  // All at once: no child of a dynamic supervisor depends on another.
  for (auto& entry : children_)
    if (entry.second.state != status::stopping)
      stop(entry.second);
  quit_when_empty();
}

void dynamic_supervisor_actor::quit_when_empty() {
  if (stopping_ && children_.empty())
    quit(stop_reason_);
}

// -- management -------------------------------------------------------------------

std::vector<child_info> dynamic_supervisor_actor::which_children() const {
  std::vector<child_info> result;
  result.reserve(children_.size() + retries_.size());
  for (auto& [id, ch] : children_) {
    if (ch.state == status::starting)
      continue;
    child_info info;
    info.id = ch.spec->id;
    info.type = ch.spec->type;
    if (ch.state == status::restarting) {
      info.status = child_info::state::restarting;
    } else {
      info.actor = ch.actor;
      info.status = child_info::state::running;
    }
    result.push_back(std::move(info));
  }
  // In start order, as actor ids grow; restarts still to be tried come last.
  std::sort(result.begin(), result.end(), [](const child_info& x, const child_info& y) {
    return x.actor && (!y.actor || x.actor.id() < y.actor.id());
  });
  for (auto& r : retries_) {
    child_info info;
    info.id = r.spec->id;
    info.type = r.spec->type;
    info.status = child_info::state::restarting;
    result.push_back(std::move(info));
  }
  return result;
}

child_counts dynamic_supervisor_actor::count_children() const {
  child_counts result;
  auto count = [&](const child_spec& spec, bool active) {
    ++result.specs;
    if (active)
      ++result.active;
    if (spec.type == child_type::supervisor)
      ++result.supervisors;
    else
      ++result.workers;
  };
  for (auto& [id, ch] : children_)
    if (ch.state != status::starting)
      count(*ch.spec, ch.state == status::running || ch.state == status::stopping);
  for (auto& r : retries_)
    count(*r.spec, false);
  return result;
}

void dynamic_supervisor_actor::emit(report_kind kind, const spec_ptr& spec,
                                    caf::actor_addr actor, caf::error reason) {
  detail::emit(flags_.reports, kind, flags_.name, spec ? spec->id : std::string{},
               std::move(actor), std::move(reason));
}

} // namespace kintsugi::detail
