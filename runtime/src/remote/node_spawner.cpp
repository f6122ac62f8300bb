// A node's side: its spawner, and serve_node. See kintsugi/node.hpp, and
// node_protocol.hpp for the one request it answers.

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/node.hpp"
#include "node_protocol.hpp"
#include "worker_protocol.hpp"

namespace kintsugi {

namespace detail {

namespace {

class node_spawner final : public caf::event_based_actor {
public:
  node_spawner(caf::actor_config& cfg, std::string secret)
    : caf::event_based_actor(cfg), secret_(std::move(secret)) {
  }

  const char* name() const override {
    return "kintsugi.node_spawner";
  }

  caf::behavior make_behavior() override {
    set_down_handler([this](caf::down_msg& msg) { on_down(msg); });
    return {
      [this](node_spawn_atom, const std::string& secret, const std::string& type,
             caf::message& args) -> caf::result<caf::actor> {
        return spawn_for_peer(secret, type, std::move(args));
      },
    };
  }

private:
  caf::result<caf::actor> spawn_for_peer(const std::string& secret, const std::string& type,
                                         caf::message args) {
    auto peer = current_sender();
    auto who = peer ? caf::to_string(peer->node()) : std::string{"an anonymous sender"};
    if (!peer || secret.size() > max_secret_length || !same_secret(secret, secret_)) {
      fmt::print(stderr, "kintsugi node: refused a spawn of {:.64} from {}: wrong secret\n", type,
                 who);
      return make_error(errc::node_refused, "wrong secret");
    }
    if (type.size() > max_type_length)
      return caf::make_error(caf::sec::invalid_argument, "actor type name too long");
    // A message shares its data: the copy keeps the arguments for the error.
    auto child = home_system().spawn<caf::actor>(type, args);
    if (!child) {
      auto& err = child.error();
      return caf::error{
        err.code(), err.category(),
        caf::make_message(fmt::format("cannot spawn {} with {}", type, caf::to_string(args)))};
    }
    // Whatever a peer started ends with it.
    auto requester = caf::actor_cast<caf::actor_addr>(peer);
    if (spawned_[requester].empty())
      monitor(requester);
    spawned_[requester].push_back(*child);
    monitor(*child);
    // The answer waits for the actor's init, which CAF answers this after.
    auto rp = make_response_promise<caf::actor>();
    request(*child, caf::infinite, caf::sys_atom::value, caf::get_atom::value, std::string{"info"})
      .then([rp, child{*child}](caf::ok_atom, std::string&, caf::strong_actor_ptr&,
                                std::string&) mutable { rp.deliver(child); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }

  void on_down(const caf::down_msg& msg) {
    if (auto i = spawned_.find(msg.source); i != spawned_.end()) {
      for (auto& child : i->second)
        send_exit(child, caf::exit_reason::kill);
      spawned_.erase(i);
      return;
    }
    // One of the spawned actors ended: forget it.
    for (auto i = spawned_.begin(); i != spawned_.end(); ++i) {
      auto& xs = i->second;
      auto j = std::find_if(xs.begin(), xs.end(),
                            [&](const caf::actor& x) { return x.address() == msg.source; });
      if (j == xs.end())
        continue;
      xs.erase(j);
      if (xs.empty()) {
        demonitor(i->first);
        spawned_.erase(i);
      }
      return;
    }
  }

  std::string secret_;
  // The actors spawned for each requester.
  std::unordered_map<caf::actor_addr, std::vector<caf::actor>> spawned_;
};

} // namespace

} // namespace detail

std::string to_string(const node_address& x) {
  return fmt::format("{}:{}", x.host, x.port);
}

caf::expected<uint16_t> serve_node(caf::actor_system& sys, node_options options) {
  if (options.secret.size() < detail::min_secret_length
      || options.secret.size() > detail::max_secret_length)
    return make_error(errc::invalid_spec,
                      fmt::format("a node's secret needs {} to {} characters",
                                  detail::min_secret_length, detail::max_secret_length));
  if (!sys.has_middleman())
    return make_error(errc::invalid_spec,
                      "a node needs CAF's middleman: cfg.load<caf::io::middleman>()");
  auto transport = detail::node_transport(sys, options.tls);
  if (!transport)
    return std::move(transport.error());
  // CAF's spawn server would spawn any registered type for any peer.
  sys.registry().erase(caf::atom("SpawnServ"));
  sys.registry().erase(caf::atom("ConfigServ"));
  // Hidden: it serves until the actor system ends, which does not wait for it.
  auto spawner = sys.spawn<detail::node_spawner, caf::hidden>(std::move(options.secret));
  caf::scoped_actor self{sys};
  caf::expected<uint16_t> port{caf::sec::none};
  self
    ->request(*transport, caf::infinite, caf::publish_atom::value, options.port,
              caf::actor_cast<caf::strong_actor_ptr>(spawner), std::set<std::string>{},
              options.address, true)
    .receive([&](uint16_t actual) { port = actual; },
             [&](caf::error& err) {
               caf::anon_send_exit(spawner, caf::exit_reason::user_shutdown);
               port = std::move(err);
             });
  return port;
}

} // namespace kintsugi
