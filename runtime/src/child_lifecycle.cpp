#include "child_lifecycle.hpp"

#include <algorithm>
#include <exception>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {

start_result call_start(const child_spec& spec, start_context& ctx) {
  try {
    auto result = spec.start(ctx);
    if (!result.ignored() && !result.child() && !result.reason())
      return caf::make_error(caf::sec::invalid_argument, "start returned no actor");
    return result;
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error, e.what());
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, "unknown exception in start");
  }
}

caf::error register_name(const child_spec& spec, const caf::actor& actor) {
  if (!spec.name)
    return {};
  return spec.name->where->register_name(spec.name->name, actor);
}

void send_exit_now(caf::event_based_actor& self, const caf::actor& dest, caf::error reason) {
  self.send<caf::message_priority::high>(dest, caf::exit_msg{self.address(), std::move(reason)});
}

void pass_end_on(const caf::actor_addr& supervisor, const caf::error& reason,
                 const caf::actor& child) {
  auto r = reason ? reason : caf::error{caf::exit_reason::user_shutdown};
  caf::anon_send<caf::message_priority::high>(child, caf::exit_msg{supervisor, std::move(r)});
}

void child_stopper::stop(caf::event_based_actor& self, const caf::actor& child,
                         const shutdown_policy& policy) {
  if (policy.what() == shutdown_policy::kind::brutal_kill) {
    send_exit_now(self, child, caf::exit_reason::kill);
    return;
  }
  send_exit_now(self, child, caf::exit_reason::user_shutdown);
  if (policy.what() == shutdown_policy::kind::timeout) {
    auto i = deadlines_.emplace(self.clock().now() + policy.after(), child.address());
    by_child_.emplace(child.id(), i);
    arm(self);
  }
}

void child_stopper::arm(caf::event_based_actor& self) {
  if (deadlines_.empty())
    return;
  auto earliest = deadlines_.begin()->first;
  if (armed_ && armed_for_ <= earliest)
    return;
  armed_ = true;
  armed_for_ = earliest;
  auto delay = std::max(earliest - self.clock().now(), caf::actor_clock::duration_type::zero());
  self.delayed_send(&self, delay, shutdown_timeout_atom::value,
                    static_cast<int64_t>(earliest.time_since_epoch().count()));
}

void child_stopper::ended(caf::actor_id child) {
  auto i = by_child_.find(child);
  if (i == by_child_.end())
    return;
  deadlines_.erase(i->second);
  by_child_.erase(i);
}

void child_stopper::expire(caf::event_based_actor& self, int64_t target) {
  auto now = self.clock().now();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    // Only a child told to stop has a deadline, until it has ended.
    auto addr = deadlines_.begin()->second;
    if (auto child = caf::actor_cast<caf::actor>(addr))
      send_exit_now(self, child, caf::exit_reason::kill);
    by_child_.erase(addr.id());
    deadlines_.erase(deadlines_.begin());
  }
  // Delayed messages cannot be cancelled: a timer replaced by an earlier one
  // still arrives, and only the current one re-arms.
  if (armed_ && target == armed_for_.time_since_epoch().count()) {
    armed_ = false;
    arm(self);
  }
}

} // namespace kintsugi::detail
