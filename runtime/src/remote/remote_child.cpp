#include "remote_child.hpp"

#include <utility>

#include <caf/actor_system.hpp>
#include <caf/message_view.hpp>
#include <caf/sec.hpp>
#include <caf/skip.hpp>

#include <fmt/core.h>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/longest_duration.hpp"

namespace kintsugi::detail {

namespace {

using heartbeat_atom = caf::atom_constant<caf::atom("k_beat")>;
using launch_timeout_atom = caf::atom_constant<caf::atom("k_launchto")>;

} // namespace

caf::error check(const remote_settings& x) {
  if (x.actor_type.empty())
    return make_error(errc::invalid_spec, "a remote child needs an actor type");
  for (auto d : {x.heartbeat_interval, x.heartbeat_timeout, x.launch_timeout})
    if (d.count() <= 0 || d > longest_duration)
      return make_error(errc::invalid_spec, "a remote child's heartbeat and launch timeouts must "
                                            "be positive and at most a century");
  return {};
}

remote_child::remote_child(caf::actor_config& cfg, remote_settings settings,
                           caf::actor_addr supervisor)
  : caf::event_based_actor(cfg),
    settings_(std::move(settings)),
    supervisor_(std::move(supervisor)) {
}

caf::behavior remote_child::make_behavior() {
  set_exit_handler([this](caf::exit_msg& msg) { on_exit_signal(msg); });
  // Messages for the child wait in the mailbox until its actor runs.
  set_default_handler(caf::skip);
  delayed_send(this, settings_.launch_timeout, launch_timeout_atom::value);
  return launching().or_else([this](launch_timeout_atom) {
    if (from_self() && !running())
      abort_launch(make_error(errc::process_launch_failed,
                              fmt::format("{} did not start within {} ms", settings_.actor_type,
                                          settings_.launch_timeout.count())));
  });
}

void remote_child::run(caf::actor remote) {
  remote_ = std::move(remote);
  if (auto sup = caf::actor_cast<caf::actor>(supervisor_))
    send(sup, started_atom::value);
  set_default_handler([this](caf::scheduled_actor*, caf::message_view& x) {
    return caf::result<caf::message>{delegate(remote_, x.move_content_to_message())};
  });
  // The timers are this actor's own; anyone else's message that looks like
  // one is for the remote actor.
  auto forward_unless_own = [this](auto atom) -> caf::result<caf::message> {
    if (!from_self())
      return delegate(remote_, atom);
    if constexpr (std::is_same_v<decltype(atom), heartbeat_atom>)
      heartbeat();
    return caf::message{};
  };
  become(while_running().or_else([=](heartbeat_atom x) { return forward_unless_own(x); },
                                 [=](launch_timeout_atom x) { return forward_unless_own(x); }));
  heartbeat_later();
}

bool remote_child::from_self() {
  return current_sender() == ctrl();
}

void remote_child::on_exit_signal(caf::exit_msg& msg) {
  if (!msg.reason || stop_reason_)
    return;
  stop_reason_ = msg.reason;
  if (running())
    // The actor stops as the spec says; its end ends this child.
    send_exit(remote_, std::move(msg.reason));
  else
    abort_launch(std::move(msg.reason));
}

void remote_child::heartbeat_later() {
  delayed_send(this, settings_.heartbeat_interval, heartbeat_atom::value);
}

void remote_child::heartbeat() {
  request(remote_, settings_.heartbeat_timeout, caf::sys_atom::value, caf::get_atom::value,
          std::string{"info"})
    .then([this](caf::ok_atom, std::string&, caf::strong_actor_ptr&,
                 std::string&) { heartbeat_later(); },
          [this](caf::error& err) {
            unresponsive(make_error(
              errc::process_unresponsive,
              fmt::format("{} did not answer within {} ms: {}", settings_.actor_type,
                          settings_.heartbeat_timeout.count(), home_system().render(err))));
          });
}

} // namespace kintsugi::detail
