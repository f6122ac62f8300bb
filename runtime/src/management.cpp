// The blocking helpers of supervisor.hpp: one request each, from a hidden
// scoped actor.

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "kintsugi/dynamic_supervisor.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/longest_duration.hpp"
#include "kintsugi/management.hpp"
#include "kintsugi/supervisor.hpp"

namespace kintsugi {

namespace {

caf::error error_of(const caf::expected<caf::unit_t>& x) {
  return x ? caf::error{} : x.error();
}

} // namespace

const char* to_string(child_info::state x) noexcept {
  switch (x) {
    case child_info::state::running:
      return "running";
    case child_info::state::restarting:
      return "restarting";
    case child_info::state::undefined:
      return "undefined";
  }
  return "unknown";
}

caf::expected<std::vector<child_info>> which_children(const caf::actor& sup, call_timeout timeout) {
  return kintsugi::call<std::vector<child_info>>(sup, timeout, which_children_atom::value);
}

caf::expected<child_counts> count_children(const caf::actor& sup, call_timeout timeout) {
  return kintsugi::call<child_counts>(sup, timeout, count_children_atom::value);
}

caf::expected<caf::actor> start_child(const caf::actor& sup, child_spec spec,
                                      call_timeout timeout) {
  return kintsugi::call<caf::actor>(sup, timeout, start_child_atom::value, std::move(spec));
}

caf::expected<caf::actor> start_child(const caf::actor& sup, caf::message args,
                                      call_timeout timeout) {
  return kintsugi::call<caf::actor>(sup, timeout, start_child_atom::value, std::move(args));
}

caf::error terminate_child(const caf::actor& sup, const std::string& id, call_timeout timeout) {
  return error_of(kintsugi::call<caf::unit_t>(sup, timeout, terminate_child_atom::value, id));
}

caf::error terminate_child(const caf::actor& sup, const caf::actor& child, call_timeout timeout) {
  return error_of(kintsugi::call<caf::unit_t>(sup, timeout, terminate_child_atom::value, child));
}

caf::expected<caf::actor> restart_child(const caf::actor& sup, const std::string& id,
                                        call_timeout timeout) {
  return kintsugi::call<caf::actor>(sup, timeout, restart_child_atom::value, id);
}

caf::error delete_child(const caf::actor& sup, const std::string& id, call_timeout timeout) {
  return error_of(kintsugi::call<caf::unit_t>(sup, timeout, delete_child_atom::value, id));
}

caf::expected<child_spec> get_childspec(const caf::actor& sup, const std::string& id,
                                        call_timeout timeout) {
  return kintsugi::call<child_spec>(sup, timeout, get_childspec_atom::value, id);
}

caf::error stop(const caf::actor& sup, const caf::error& reason, call_timeout timeout) {
  if (!sup)
    return caf::make_error(caf::sec::invalid_argument, "no supervisor");
  if (timeout.count() < 0 || timeout > longest_duration)
    return caf::make_error(caf::sec::invalid_argument, "negative or absurd stop timeout");
  // As OTP's supervisor:stop/1 of a process that is gone: noproc.
  if (caf::actor_cast<caf::abstract_actor*>(sup)->getf(caf::abstract_actor::is_terminated_flag))
    return caf::make_error(caf::sec::request_receiver_down, "the supervisor has ended already");
  caf::scoped_actor self{sup->home_system(), true};
  self->monitor(sup);
  self->send_exit(sup, reason);
  caf::error result = make_error(errc::timeout);
  self->receive([&](caf::down_msg&) { result = caf::error{}; }, caf::after(timeout) >> [] {});
  return result;
}

} // namespace kintsugi
