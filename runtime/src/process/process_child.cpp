// The local actor that stands for a child in its own OS process: see
// kintsugi/process.hpp for what it does, worker_protocol.hpp for what it says.

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/message_view.hpp>
#include <caf/send.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/longest_duration.hpp"
#include "kintsugi/process.hpp"
#include "launched_process.hpp"
#include "worker_protocol.hpp"

extern char** environ;

namespace kintsugi {

namespace detail {

namespace {

using process_ended_atom = caf::atom_constant<caf::atom("k_pended")>;
using heartbeat_atom = caf::atom_constant<caf::atom("k_beat")>;
using launch_timeout_atom = caf::atom_constant<caf::atom("k_launchto")>;

// Where the watcher thread leaves how the process ended. The message that
// follows carries nothing, so a peer cannot make one up.
struct end_slot {
  std::mutex mtx;
  std::optional<process_end> end;
};

caf::error check(const process_options& x) {
  auto invalid = [](const char* what) { return make_error(errc::invalid_spec, what); };
  if (x.actor_type.empty())
    return invalid("a process child needs an actor type");
  for (auto d : {x.heartbeat_interval, x.heartbeat_timeout, x.launch_timeout})
    if (d.count() <= 0 || d > longest_duration)
      return invalid("a process child's heartbeat and launch timeouts must be positive and "
                     "at most a century");
  for (auto& var : x.environment)
    if (var.find('=') == std::string::npos || var.rfind(worker_variable, 0) == 0)
      return invalid("a process child's environment takes \"NAME=value\" entries, and not "
                     "KINTSUGI_WORKER");
  return {};
}

class process_child final : public caf::event_based_actor {
public:
  process_child(caf::actor_config& cfg, process_options options, caf::message args,
                caf::actor_addr supervisor)
    : caf::event_based_actor(cfg),
      options_(std::move(options)),
      args_(std::move(args)),
      supervisor_(std::move(supervisor)),
      secret_(make_secret()),
      slot_(std::make_shared<end_slot>()) {
  }

  const char* name() const override {
    return "kintsugi.process_child";
  }

  caf::behavior make_behavior() override {
    set_exit_handler([this](caf::exit_msg& msg) { on_exit_signal(msg); });
    // Messages for the child wait in the mailbox until it runs.
    set_default_handler(caf::skip);
    publish();
    return {
      [this](worker_hello_atom, std::string& secret, int64_t pid) { return on_hello(secret, pid); },
      [this](worker_ready_atom, caf::actor& actor) { on_ready(std::move(actor)); },
      [this](worker_failed_atom, caf::error& reason) { return on_failed(std::move(reason)); },
      [this](worker_ended_atom, caf::error& reason) { return on_ended(std::move(reason)); },
      [this](process_ended_atom) { on_process_ended(); },
      [this](launch_timeout_atom) {
        if (from_self() && phase_ < phase::running)
          end_process(make_error(errc::process_launch_failed,
                                 fmt::format("the worker did not start its actor within {} ms",
                                             options_.launch_timeout.count())));
      },
    };
  }

  void on_exit() override {
    // Kills the process if it still runs, and reaps it.
    process_.reset();
    unpublish();
  }

private:
  enum class phase { publishing, launching, spawning, running, ending };

  caf::behavior running() {
    set_default_handler(
      [this](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
        return delegate(remote_, x.move_content_to_message());
      });
    return {
      [this](worker_ended_atom, caf::error& reason) -> caf::result<caf::message> {
        if (!from_host())
          return forward(caf::make_message(worker_ended_atom::value, std::move(reason)));
        on_ended(std::move(reason));
        return caf::make_message(caf::ok_atom::value);
      },
      [this](process_ended_atom) { on_process_ended(); },
      [this](heartbeat_atom) -> caf::result<caf::message> {
        if (!from_self())
          return forward(caf::make_message(heartbeat_atom::value));
        heartbeat();
        return caf::message{};
      },
      // The launch deadline, set before the child ran, finds it running.
      [this](launch_timeout_atom) -> caf::result<caf::message> {
        if (!from_self())
          return forward(caf::make_message(launch_timeout_atom::value));
        return caf::message{};
      },
    };
  }

  caf::result<caf::message> forward(caf::message msg) {
    return delegate(remote_, std::move(msg));
  }

  bool from_self() {
    return current_sender() == ctrl();
  }

  bool from_host() {
    return host_ && current_sender() == caf::actor_cast<caf::strong_actor_ptr>(host_);
  }

  // -- launch -------------------------------------------------------------

  void publish() {
    auto& mm = home_system().middleman();
    request(mm.actor_handle(), caf::infinite, caf::publish_atom::value, uint16_t{0},
            caf::actor_cast<caf::strong_actor_ptr>(this), std::set<std::string>{},
            std::string{"127.0.0.1"}, false)
      .then([this](uint16_t port) { start_worker(port); },
            [this](caf::error& err) {
              quit(make_error(errc::process_launch_failed,
                              "cannot listen on 127.0.0.1: " + home_system().render(err)));
            });
  }

  void unpublish() {
    if (port_ == 0)
      return;
    caf::anon_send(home_system().middleman().actor_handle(), caf::unpublish_atom::value, address(),
                   port_);
    port_ = 0;
  }

  void start_worker(uint16_t port) {
    port_ = port;
    if (phase_ == phase::ending) {
      quit(stop_reason_);
      return;
    }
    worker_assignment assignment;
    assignment.port = port;
    assignment.secret = secret_;
    assignment.parent = getpid();
    assignment.address_space = options_.limits.address_space;
    assignment.cpu_seconds = static_cast<uint64_t>(options_.limits.cpu_time.count());
    assignment.open_files = options_.limits.open_files;
    auto program = options_.program.empty() ? std::string{"/proc/self/exe"} : options_.program;
    std::vector<std::string> args;
    args.push_back(options_.program.empty() ? std::string{program_invocation_name} : program);
    args.insert(args.end(), options_.program_args.begin(), options_.program_args.end());
    auto launched = launched_process::launch(program, args, environment(assignment),
                                             [slot{slot_}, self{address()}](process_end end) {
                                               {
                                                 std::lock_guard<std::mutex> guard{slot->mtx};
                                                 slot->end = end;
                                               }
                                               if (auto dest = caf::actor_cast<caf::actor>(self))
                                                 caf::anon_send(dest, process_ended_atom::value);
                                             });
    if (!launched) {
      quit(std::move(launched.error()));
      return;
    }
    process_ = std::move(*launched);
    phase_ = phase::launching;
    delayed_send(this, options_.launch_timeout, launch_timeout_atom::value);
  }

  std::vector<std::string> environment(const worker_assignment& assignment) const {
    std::vector<std::string> env;
    auto prefix = std::string{worker_variable} + "=";
    for (auto var = environ; *var != nullptr; ++var) {
      std::string x{*var};
      if (x.rfind(prefix, 0) != 0)
        env.push_back(std::move(x));
    }
    env.insert(env.end(), options_.environment.begin(), options_.environment.end());
    env.push_back(prefix + encode(assignment));
    return env;
  }

  // -- the worker's messages ----------------------------------------------------

  caf::result<std::string, caf::message> on_hello(const std::string& secret, int64_t pid) {
    if (phase_ != phase::launching || !same_secret(secret, secret_) || !process_
        || pid != process_->pid()) {
      fmt::print(stderr, "kintsugi: process child {} refused a worker's hello from {}\n", id(),
                 caf::to_string(current_sender()));
      return make_error(errc::process_launch_failed, "refused");
    }
    host_ = caf::actor_cast<caf::actor>(current_sender());
    // One worker only: nobody else can connect from now on.
    unpublish();
    phase_ = phase::spawning;
    return {options_.actor_type, args_};
  }

  void on_ready(caf::actor actor) {
    if (!from_host() || phase_ != phase::spawning || !actor)
      return;
    remote_ = std::move(actor);
    phase_ = phase::running;
    if (auto sup = caf::actor_cast<caf::actor>(supervisor_))
      send(sup, started_atom::value);
    become(running());
    heartbeat_later();
  }

  caf::result<caf::ok_atom> on_failed(caf::error reason) {
    if (!from_host() || phase_ != phase::spawning)
      return make_error(errc::process_launch_failed, "unexpected");
    // The start fails with the worker's reason once the process has ended.
    actor_reason_ = std::move(reason);
    if (!actor_reason_)
      actor_reason_ = make_error(errc::process_launch_failed, "the worker could not spawn");
    phase_ = phase::ending;
    return caf::ok_atom::value;
  }

  caf::result<caf::ok_atom> on_ended(caf::error reason) {
    if (!from_host())
      return make_error(errc::process_launch_failed, "unexpected");
    actor_reason_ = std::move(reason);
    ended_ = true;
    phase_ = phase::ending;
    return caf::ok_atom::value;
  }

  void on_process_ended() {
    std::optional<process_end> end;
    {
      std::lock_guard<std::mutex> guard{slot_->mtx};
      end = slot_->end;
    }
    if (!end)
      return;
    quit(final_reason(*end));
  }

  // What the child ends with, from the most specific cause known.
  caf::error final_reason(const process_end& end) {
    if (killed_for_)
      return killed_for_;
    if (ended_ || actor_reason_)
      return actor_reason_;
    if (stop_reason_)
      return stop_reason_;
    auto what = fmt::format("worker {} running {}: {}", process_ ? process_->pid() : 0,
                            options_.actor_type, describe(end));
    return make_error(end.signaled ? errc::process_crashed : errc::process_exited, what);
  }

  // -- the supervisor's side ---------------------------------------------------

  void on_exit_signal(caf::exit_msg& msg) {
    if (!msg.reason)
      return;
    if (phase_ == phase::running) {
      // The actor in the worker stops as the spec says; its process follows.
      stop_reason_ = msg.reason;
      phase_ = phase::ending;
      send_exit(remote_, std::move(msg.reason));
      return;
    }
    if (!process_) {
      quit(std::move(msg.reason));
      return;
    }
    stop_reason_ = msg.reason;
    end_process(std::move(msg.reason));
  }

  void end_process(caf::error why) {
    killed_for_ = std::move(why);
    phase_ = phase::ending;
    if (process_)
      process_->kill();
    else
      quit(killed_for_);
  }

  // -- heartbeats --------------------------------------------------------------

  void heartbeat_later() {
    delayed_send(this, options_.heartbeat_interval, heartbeat_atom::value);
  }

  void heartbeat() {
    if (phase_ != phase::running)
      return;
    request(remote_, options_.heartbeat_timeout, caf::sys_atom::value, caf::get_atom::value,
            std::string{"info"})
      .then([this](caf::ok_atom, std::string&, caf::strong_actor_ptr&,
                   std::string&) { heartbeat_later(); },
            [this](caf::error& err) {
              if (phase_ != phase::running)
                return;
              end_process(make_error(
                errc::process_unresponsive,
                fmt::format("worker {} running {} did not answer within {} ms: {}", process_->pid(),
                            options_.actor_type, options_.heartbeat_timeout.count(),
                            home_system().render(err))));
            });
  }

  process_options options_;
  caf::message args_;
  caf::actor_addr supervisor_;
  std::string secret_;
  std::shared_ptr<end_slot> slot_;
  std::unique_ptr<launched_process> process_;
  uint16_t port_ = 0;
  phase phase_ = phase::publishing;
  // The worker's own actor, which talks for it, and the child's actor there.
  caf::actor host_;
  caf::actor remote_;
  // Why the actor ended, as the worker said; `ended_` tells a normal end.
  caf::error actor_reason_;
  bool ended_ = false;
  // Why the process was killed from here, or why the child was told to stop.
  caf::error killed_for_;
  caf::error stop_reason_;
};

} // namespace

} // namespace detail

start_fn in_os_process(process_options options) {
  return [options{std::move(options)}](start_context& ctx) -> start_result {
    if (auto err = detail::check(options))
      return err;
    if (!ctx.system().has_middleman())
      return make_error(errc::invalid_spec, "a process child needs CAF's middleman: "
                                            "cfg.load<caf::io::middleman>()");
    auto& sup = ctx.supervisor();
    auto child = sup.spawn<detail::process_child>(options, options.args + ctx.args(),
                                                  sup.address());
    ctx.announces_itself(child);
    return child;
  };
}

} // namespace kintsugi
