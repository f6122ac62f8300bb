#include "dynamic_supervisor_actor.hpp"

#include <algorithm>
#include <limits>
#include <utility>
#include <variant>

#include <caf/exit_reason.hpp>

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

// One child as exit_plan.hpp's decisions read it: no child of a dynamic
// supervisor depends on another.
class lone_child final : public child_table {
public:
  explicit lone_child(const child_spec& spec) : spec_(spec) {
  }

  std::size_t size() const noexcept override {
    return 1;
  }
  const child_spec& spec(std::size_t) const override {
    return spec_;
  }
  child_phase phase(std::size_t) const override {
    return child_phase::undefined;
  }

private:
  const child_spec& spec_;
};

} // namespace

dynamic_supervisor_actor::dynamic_supervisor_actor(caf::actor_config& cfg,
                                                   dynamic_supervisor_flags flags,
                                                   caf::actor_addr parent)
  : supervisor_core(cfg, flags.name, "dynamic_supervisor", flags.reports, flags.intensity,
                    flags.period, validate(flags), std::move(parent)),
    flags_(std::move(flags)) {
  if (flags_.child_template) {
    template_ = std::make_shared<const child_spec>(std::move(*flags_.child_template));
    flags_.child_template.reset();
  }
}

// -- supervisor_core ------------------------------------------------------------

caf::message_handler dynamic_supervisor_actor::management() {
  return {
    [](ready_atom) { return caf::ok_atom::value; },
    [this](start_child_atom, child_spec& spec) -> caf::result<caf::actor> {
      if (auto err = validate_dynamic_child(spec))
        return err;
      return on_start_child(std::make_shared<const child_spec>(std::move(spec)),
                            flags_.extra_arguments);
    },
    [this](start_child_atom, const caf::message& args) -> caf::result<caf::actor> {
      if (!template_)
        return make_error(errc::not_supported,
                          "this dynamic supervisor has no child template: start a full spec");
      return on_start_child(template_, flags_.extra_arguments + args);
    },
    [this](terminate_child_atom, const caf::actor& who) { return on_terminate_child(who); },
    [this](get_childspec_atom, const caf::actor& who) { return on_get_childspec(who); },
    [this](which_children_atom) { return on_which_children(); },
    [this](count_children_atom) { return on_count_children(); },
    [](terminate_child_atom, const std::string&) -> caf::result<caf::unit_t> {
      return identified_by_actor();
    },
    [](restart_child_atom, const std::string&) -> caf::result<caf::actor> {
      return identified_by_actor();
    },
    [](delete_child_atom, const std::string&) -> caf::result<caf::unit_t> {
      return identified_by_actor();
    },
    [](get_childspec_atom, const std::string&) -> caf::result<child_spec> {
      return identified_by_actor();
    },
  };
}

void dynamic_supervisor_actor::on_init() {
  // It starts no child of its own: it is up at once.
  announce_started();
}

void dynamic_supervisor_actor::child_down(caf::down_msg& msg) {
  auto id = msg.source.id();
  auto i = children_.find(id);
  if (i == children_.end())
    return;
  auto ch = std::move(i->second);
  children_.erase(i);
  switch (ch.phase) {
    case child_phase::starting: {
      auto p = starts_.find(id);
      auto pending = std::move(p->second);
      starts_.erase(p);
      start_failed({std::move(ch.spec), std::move(ch.args), ch.past}, pending.caller,
                   start_failure(pending.failure, msg.reason));
      break;
    }
    case child_phase::stopping:
      if (auto t = terminating_.find(id); t != terminating_.end()) {
        for (auto& rp : t->second)
          rp.deliver(caf::unit);
        terminating_.erase(t);
      }
      break;
    case child_phase::running:
      child_exited(std::move(ch), msg.reason);
      break;
    case child_phase::undefined:
    case child_phase::restarting:
    case child_phase::deleted:
      break;
  }
  quit_when_empty();
}

void dynamic_supervisor_actor::child_up(const caf::actor_addr& child) {
  auto i = children_.find(child.id());
  if (i == children_.end() || i->second.phase != child_phase::starting)
    return;
  auto& ch = i->second;
  ch.phase = child_phase::running;
  ch.past.backoff.up(now());
  auto p = starts_.find(child.id());
  auto caller = std::move(p->second.caller);
  starts_.erase(p);
  if (!caller)
    ++ch.past.restarts;
  emit(caller ? report_kind::child_started : report_kind::child_restarted, ch.spec->id,
       ch.actor.address());
  if (caller)
    caller->deliver(ch.actor);
}

void dynamic_supervisor_actor::child_init_failed(const caf::actor_addr& child, caf::error reason) {
  if (auto p = starts_.find(child.id()); p != starts_.end())
    p->second.failure = std::move(reason);
}

void dynamic_supervisor_actor::try_again(uint64_t token) {
  auto i = retries_.find(token);
  if (i == retries_.end())
    return;
  auto next = std::move(i->second);
  retries_.erase(i);
  start(std::move(next.spec), std::move(next.args), std::nullopt, next.past);
}

void dynamic_supervisor_actor::shutdown(caf::error reason) {
  stop_reason_ = std::move(reason);
  retries_.clear();
  // All at once: no child of a dynamic supervisor depends on another.
  for (auto& entry : children_)
    if (entry.second.phase != child_phase::stopping)
      stop(entry.second);
  quit_when_empty();
}

void dynamic_supervisor_actor::for_each_child_actor(
  const std::function<void(const caf::actor&)>& f) const {
  for (auto& entry : children_)
    f(entry.second.actor);
}

// -- management requests ----------------------------------------------------------

caf::result<caf::actor> dynamic_supervisor_actor::on_start_child(spec_ptr spec, caf::message args) {
  if (stopping())
    return make_error(errc::supervisor_stopping);
  if (flags_.max_children && children_.size() + retries_.size() >= *flags_.max_children)
    return make_error(errc::max_children, fmt::format("{} has {} children, its max_children",
                                                      supervisor_name(), *flags_.max_children));
  auto rp = make_response_promise();
  start(std::move(spec), std::move(args), rp);
  return rp;
}

caf::result<caf::unit_t> dynamic_supervisor_actor::on_terminate_child(const caf::actor& who) {
  if (stopping())
    return make_error(errc::supervisor_stopping);
  auto i = who ? children_.find(who.id()) : children_.end();
  if (i == children_.end())
    return not_a_child(who);
  auto rp = make_response_promise();
  terminating_[who.id()].push_back(rp);
  if (i->second.phase != child_phase::stopping)
    stop(i->second);
  return rp;
}

caf::result<child_spec> dynamic_supervisor_actor::on_get_childspec(const caf::actor& who) {
  auto i = who ? children_.find(who.id()) : children_.end();
  if (i == children_.end())
    return not_a_child(who);
  return *i->second.spec;
}

caf::result<std::vector<child_info>> dynamic_supervisor_actor::on_which_children() {
  if (stopping())
    return make_error(errc::supervisor_stopping);
  return all_child_infos();
}

std::string dynamic_supervisor_actor::strategy_name() const {
  return "dynamic";
}

std::size_t dynamic_supervisor_actor::child_snapshots(std::size_t first, std::size_t limit,
                                                      std::vector<child_snapshot>& page) const {
  auto add = [&](const child_spec& spec, const child_past& past) -> child_info& {
    auto& x = page.emplace_back();
    x.info.id = spec.id;
    x.info.type = spec.type;
    x.restart = spec.restart;
    x.restarts = past.restarts;
    x.last_exit = past.last_exit;
    return x.info;
  };
  // In start order, as actor ids grow, with children restarting after the
  // running ones; restarts still to be tried come last. Only the children of
  // the page are ordered and copied.
  using entry = std::pair<caf::actor_id, const child*>;
  std::vector<entry> listed;
  listed.reserve(children_.size());
  for (auto& [id, ch] : children_)
    if (!first_start(id, ch))
      listed.emplace_back(ch.phase == child_phase::starting
                            ? std::numeric_limits<caf::actor_id>::max()
                            : ch.actor.id(),
                          &ch);
  auto total = listed.size() + retries_.size();
  auto begin = std::min(first, total);
  auto end = begin + std::min(limit, total - begin);
  auto by_order = [](const entry& x, const entry& y) { return x.first < y.first; };
  if (begin < listed.size()) {
    auto from = listed.begin() + static_cast<std::ptrdiff_t>(begin);
    auto to = listed.begin() + static_cast<std::ptrdiff_t>(std::min(end, listed.size()));
    std::nth_element(listed.begin(), from, listed.end(), by_order);
    std::partial_sort(from, to, listed.end(), by_order);
    for (auto i = from; i != to; ++i) {
      auto& ch = *i->second;
      auto& info = add(*ch.spec, ch.past);
      if (ch.phase == child_phase::starting) {
        info.status = child_info::state::restarting;
      } else {
        info.actor = ch.actor;
        info.status = child_info::state::running;
      }
    }
  }
  auto index = listed.size();
  for (auto& [token, r] : retries_) {
    if (index >= end)
      break;
    if (index++ >= begin)
      add(*r.spec, r.past).status = child_info::state::restarting;
  }
  return total;
}

caf::result<child_counts> dynamic_supervisor_actor::on_count_children() {
  if (stopping())
    return make_error(errc::supervisor_stopping);
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
    if (!first_start(id, ch))
      count(*ch.spec, ch.phase != child_phase::starting);
  for (auto& [token, r] : retries_)
    count(*r.spec, false);
  return result;
}

// -- children -----------------------------------------------------------------------

void dynamic_supervisor_actor::start(spec_ptr spec, caf::message args,
                                     std::optional<caf::response_promise> caller, child_past past) {
  auto result = run_start(*spec, args);
  if (result.ignored()) {
    // OTP keeps nothing of an ignored dynamic child, nor of one whose
    // restart was ignored.
    if (caller)
      caller->deliver(caf::actor{});
    return;
  }
  if (result.reason()) {
    start_failed({std::move(spec), std::move(args), past}, caller, result.reason());
    return;
  }
  auto actor = result.child();
  auto id = actor.id();
  children_.emplace(id, child{std::move(actor), std::move(spec), std::move(args),
                              child_phase::starting, past});
  starts_.emplace(id, pending_start{std::move(caller), {}});
}

void dynamic_supervisor_actor::start_failed(retry failed,
                                            std::optional<caf::response_promise>& caller,
                                            const caf::error& reason) {
  emit(report_kind::start_failed, failed.spec->id, {}, reason);
  if (caller) {
    // A first start: the caller learns why, and nothing is kept (OTP).
    caller->deliver(kintsugi::start_failed(failed.spec->id, reason));
    return;
  }
  if (stopping())
    return;
  if (auto token = retry_later(restart_delay(*failed.spec, failed.past.backoff)))
    retries_.emplace(*token, std::move(failed));
}

void dynamic_supervisor_actor::restart(retry failed) {
  auto delay = restart_delay(*failed.spec, failed.past.backoff);
  if (delay.count() > 0)
    retries_.emplace(schedule_restart(delay), std::move(failed));
  else
    start(std::move(failed.spec), std::move(failed.args), std::nullopt, failed.past);
}

void dynamic_supervisor_actor::child_exited(child ch, const caf::error& reason) {
  emit(report_kind::child_exited, ch.spec->id, ch.actor.address(), reason);
  ch.past.last_exit = reason;
  if (stopping())
    return;
  auto plan = decide_exit(lone_child{*ch.spec}, 0, reason, auto_shutdown::never, intensity(), now(),
                          supervisor_name());
  if (std::holds_alternative<restart_child>(plan)) {
    record_restart();
    restart({std::move(ch.spec), std::move(ch.args), ch.past});
  } else if (auto end = std::get_if<shut_down>(&plan)) {
    give_up(std::move(*end));
  }
  // leave_ended: a dynamic supervisor keeps no spec of a child that ended.
}

void dynamic_supervisor_actor::stop(child& ch) {
  // Stopping a child that is still starting fails that start.
  if (auto p = starts_.find(ch.actor.id()); p != starts_.end()) {
    if (p->second.caller)
      p->second.caller->deliver(
        stopping() ? make_error(errc::supervisor_stopping)
                   : kintsugi::start_failed(ch.spec->id, caf::exit_reason::user_shutdown));
    starts_.erase(p);
  }
  ch.phase = child_phase::stopping;
  stop_child(ch.actor, ch.spec->effective_shutdown());
}

void dynamic_supervisor_actor::quit_when_empty() {
  if (stopping() && children_.empty())
    quit(stop_reason_);
}

bool dynamic_supervisor_actor::first_start(caf::actor_id id, const child& ch) const {
  return ch.phase == child_phase::starting && starts_.at(id).caller.has_value();
}

caf::error dynamic_supervisor_actor::not_a_child(const caf::actor& who) const {
  return make_error(errc::not_found,
                    "not a child of " + supervisor_name() + ": " + caf::to_string(who));
}

} // namespace kintsugi::detail
