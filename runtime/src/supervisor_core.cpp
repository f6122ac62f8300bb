#include "supervisor_core.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {

supervisor_core::supervisor_core(caf::actor_config& cfg, std::string name,
                                 std::string_view default_name, report_sink reports, int intensity,
                                 std::chrono::milliseconds period, caf::error invalid,
                                 caf::actor_addr parent)
  : caf::event_based_actor(cfg),
    name_(name.empty() ? std::string{default_name} : std::move(name)),
    reports_(reports ? std::move(reports) : stderr_report_sink()),
    intensity_(intensity, period),
    invalid_(std::move(invalid)),
    parent_(std::move(parent)),
    random_(std::random_device{}()) {
}

std::vector<child_info> supervisor_core::all_child_infos() const {
  std::vector<child_snapshot> all;
  child_snapshots(0, std::numeric_limits<std::size_t>::max(), all);
  std::vector<child_info> result;
  result.reserve(all.size());
  for (auto& x : all)
    result.push_back(std::move(x.info));
  return result;
}

caf::behavior supervisor_core::make_behavior() {
  // Children never outlive their supervisor. An orderly stop has stopped them
  // all before this runs; a kill or a crash has not, so pass the reason on. A
  // kill stays a kill: CAF cannot trap it, so neither may the children.
  observed_ = observed_system::of(home_system());
  observed_->add(address());
  attach_functor([this](const caf::error& reason) {
    observed_->remove(address());
    for_each_child_actor([&](const caf::actor& child) { pass_end_on(address(), reason, child); });
  });
  set_down_handler([this](caf::down_msg& msg) {
    stopper_.ended(msg.source.id());
    child_down(msg);
  });
  set_exit_handler([this](caf::exit_msg& msg) {
    // Any trappable exit signal (from the parent, or a stop request) is an
    // order to shut down; a linked actor ending normally is not.
    if (msg.reason)
      begin_shutdown(std::move(msg.reason));
  });
  if (invalid_) {
    begin_shutdown(invalid_);
    return {};
  }
  on_init();
  return management().or_else(
    [this](started_atom) { on_started_message(); },
    [this](describe_atom, uint64_t first, uint64_t limit) { return on_describe(first, limit); },
    [this](shutdown_timeout_atom, int64_t target) { stopper_.expire(*this, target); },
    [this](try_again_atom, uint64_t token) {
      if (!stopping_)
        try_again(token);
    });
}

void supervisor_core::on_started_message() {
  if (auto sender = current_sender())
    child_up(caf::actor_cast<caf::actor_addr>(sender));
}

start_result supervisor_core::run_start(const child_spec& spec, const caf::message& args) {
  start_context ctx{*this, reports_, args, spec.ack, spec.name};
  auto result = call_start(spec, ctx);
  if (!result.child())
    return result;
  const auto& child = result.child();
  monitor(child);
  if (ctx.announces(child))
    return result;
  if (auto err = register_name(spec, child)) {
    kill_child(child);
    return err;
  }
  if (spec.ack == init_ack::on_init && !ctx.announces_without_name(child))
    ask_whether_up(child);
  return result;
}

void supervisor_core::ask_whether_up(const caf::actor& child) {
  // CAF answers this system request itself, and only once the actor has run
  // its behaviour function; it also wakes a child spawned with lazy_init. A
  // child that dies first sends its down message before any reply.
  request(child, caf::infinite, caf::sys_atom::value, caf::get_atom::value, std::string{"info"})
    .then([this, addr{child.address()}](caf::ok_atom, std::string&, caf::strong_actor_ptr&,
                                        std::string&) { child_up(addr); },
          [this, child](caf::error& err) {
            if (err == caf::sec::request_receiver_down)
              return;
            kill_child(child);
            child_init_failed(child.address(), std::move(err));
          });
}

caf::error supervisor_core::start_failure(const caf::error& known, const caf::error& down_reason) {
  if (known)
    return known;
  if (down_reason)
    return down_reason;
  return caf::make_error(caf::sec::runtime_error, "child ended during its init");
}

void supervisor_core::give_up(shut_down plan) {
  if (plan.intensity_reached)
    emit(report_kind::intensity_reached);
  begin_shutdown(std::move(plan.reason));
}

void supervisor_core::record_restart() {
  intensity_.record(now());
}

uint64_t supervisor_core::schedule_restart(std::chrono::milliseconds delay) {
  auto token = ++next_restart_token_;
  if (delay.count() > 0)
    delayed_send(this, delay, try_again_atom::value, token);
  else
    send(this, try_again_atom::value, token);
  return token;
}

std::optional<uint64_t> supervisor_core::retry_later(std::chrono::milliseconds delay) {
  auto plan = decide_retry(intensity_, now(), name_);
  if (auto end = std::get_if<shut_down>(&plan)) {
    give_up(std::move(*end));
    return std::nullopt;
  }
  record_restart();
  return schedule_restart(delay);
}

std::chrono::milliseconds supervisor_core::restart_delay(const child_spec& spec,
                                                         backoff_tracker& tracker) {
  if (!spec.backoff)
    return std::chrono::milliseconds{0};
  return tracker.next(*spec.backoff, now(), random_);
}

void supervisor_core::stop_child(const caf::actor& child, const shutdown_policy& policy) {
  stopper_.stop(*this, child, policy);
}

void supervisor_core::kill_child(const caf::actor& child) {
  send_exit_now(*this, child, caf::exit_reason::kill);
}

void supervisor_core::announce_started() {
  if (auto parent = caf::actor_cast<caf::actor>(parent_))
    send(parent, started_atom::value);
  parent_ = nullptr;
}

void supervisor_core::begin_shutdown(caf::error reason) {
  if (stopping_)
    return;
  stopping_ = true;
  emit(report_kind::supervisor_stopping, {}, {}, reason);
  shutdown(std::move(reason));
}

void supervisor_core::emit(report_kind kind, const std::string& child_id, caf::actor_addr child,
                           caf::error reason) {
  report x{kind, name_, child_id, std::move(child), std::move(reason)};
  reports_(x);
  observed_->publish(x);
}

caf::result<supervisor_snapshot> supervisor_core::on_describe(uint64_t first, uint64_t limit) {
  if (stopping_)
    return make_error(errc::supervisor_stopping);
  supervisor_snapshot x;
  x.name = name_;
  x.strategy = strategy_name();
  x.intensity = intensity_.intensity();
  x.period = intensity_.period();
  x.restarts_in_period = intensity_.within(now());
  x.mailbox = mailbox().size();
  auto clamp = [](uint64_t n) {
    return static_cast<std::size_t>(std::min<uint64_t>(n, std::numeric_limits<std::size_t>::max()));
  };
  x.child_count = child_snapshots(clamp(first), clamp(limit), x.children);
  x.first = std::min<std::size_t>(clamp(first), x.child_count);
  return x;
}

} // namespace kintsugi::detail
