// The local actor of a child on another node: see kintsugi/node.hpp, and
// node_protocol.hpp for what it asks the node.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/send.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/node.hpp"
#include "node_protocol.hpp"
#include "remote_child.hpp"

namespace kintsugi {

namespace detail {

namespace {

class node_child final : public remote_child {
public:
  node_child(caf::actor_config& cfg, remote_options options, caf::message args,
             caf::actor_addr supervisor)
    : remote_child(cfg, settings_of(options), std::move(supervisor)),
      options_(std::move(options)),
      args_(std::move(args)) {
  }

  const char* name() const override {
    return "kintsugi.node_child";
  }

  void on_exit() override {
    // Killed before its actor ended (a shutdown timeout, a missed heartbeat):
    // the actor goes too. The node kills it as well once it sees this end.
    if (running())
      caf::anon_send_exit(remote(), caf::exit_reason::kill);
  }

private:
  // -- remote_child -------------------------------------------------------------

  caf::message_handler launching() override {
    set_down_handler([this](caf::down_msg& msg) {
      if (running() && msg.source == remote().address())
        quit(end_reason(msg.reason));
    });
    auto transport = node_transport(home_system(), options_.tls);
    if (!transport) {
      quit(std::move(transport.error()));
      return {};
    }
    transport_ = std::move(*transport);
    try_node(0);
    return {};
  }

  caf::message_handler while_running() override {
    return {};
  }

  void abort_launch(caf::error reason) override {
    quit(std::move(reason));
  }

  void unresponsive(caf::error why) override {
    quit(std::move(why));
  }

  // -- launch -------------------------------------------------------------------

  void try_node(std::size_t i) {
    if (i == options_.nodes.size()) {
      quit(launch_failure());
      return;
    }
    auto& node = options_.nodes[i];
    auto next = [this, i](caf::error err) {
      failures_.push_back(
        fmt::format("{}: {}", to_string(options_.nodes[i]), kintsugi::render(err)));
      last_failure_ = std::move(err);
      try_node(i + 1);
    };
    request(transport_, caf::infinite, caf::connect_atom::value, node.host, node.port)
      .then(
        [this, next](caf::node_id&, caf::strong_actor_ptr& spawner, std::set<std::string>&) {
          if (!spawner) {
            next(make_error(errc::node_unreachable, "nothing published there"));
            return;
          }
          request(caf::actor_cast<caf::actor>(spawner), caf::infinite, node_spawn_atom::value,
                  options_.secret, options_.actor_type, args_)
            .then(
              [this, next](caf::actor& child) {
                if (!child) {
                  next(make_error(errc::node_unreachable, "the node answered no actor"));
                  return;
                }
                monitor(child);
                run(std::move(child));
              },
              [next](caf::error& err) { next(std::move(err)); });
        },
        [next](caf::error& err) {
          next(make_error(errc::node_unreachable, kintsugi::render(err)));
        });
  }

  // The last node's error, with every node's answer as its context.
  caf::error launch_failure() const {
    std::string text;
    for (auto& x : failures_)
      text += (text.empty() ? "" : "; ") + x;
    if (!last_failure_)
      return make_error(errc::node_unreachable, text);
    return caf::error{last_failure_.code(), last_failure_.category(), caf::make_message(text)};
  }

  // -- the end ------------------------------------------------------------------

  caf::error end_reason(const caf::error& reason) const {
    if (reason != caf::exit_reason::remote_link_unreachable)
      return reason;
    return make_error(errc::node_down, fmt::format("lost the node of {} ({})", options_.actor_type,
                                                   caf::to_string(remote().node())));
  }

  remote_options options_;
  caf::message args_;
  caf::io::middleman_actor transport_;
  std::vector<std::string> failures_;
  caf::error last_failure_;
};

} // namespace

} // namespace detail

start_fn on_node(remote_options options) {
  return detail::remote_start<detail::node_child>(
    std::move(options), [](const remote_options& x, caf::actor_system& sys) -> caf::error {
      if (x.nodes.empty())
        return make_error(errc::invalid_spec, "a child on a node needs at least one node");
      if (auto transport = detail::node_transport(sys, x.tls); !transport)
        return std::move(transport.error());
      return {};
    });
}

} // namespace kintsugi
