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
#include "remote_child.hpp"
#include "worker_protocol.hpp"

extern char** environ;

namespace kintsugi {

namespace detail {

namespace {

using process_ended_atom = caf::atom_constant<caf::atom("k_pended")>;

// Where the watcher thread leaves how the process ended. The message that
// follows carries nothing, so a peer cannot make one up.
struct end_slot {
  std::mutex mtx;
  std::optional<process_end> end;
};

caf::error check_environment(const process_options& x) {
  for (auto& var : x.environment)
    if (var.find('=') == std::string::npos || var.rfind(worker_variable, 0) == 0)
      return make_error(errc::invalid_spec, "a process child's environment takes \"NAME=value\" "
                                            "entries, and not KINTSUGI_WORKER");
  return {};
}

class process_child final : public remote_child {
public:
  process_child(caf::actor_config& cfg, process_options options, caf::message args,
                caf::actor_addr supervisor)
    : remote_child(cfg, settings_of(options), std::move(supervisor)),
      options_(std::move(options)),
      args_(std::move(args)),
      secret_(make_secret()),
      slot_(std::make_shared<end_slot>()) {
  }

  const char* name() const override {
    return "kintsugi.process_child";
  }

  void on_exit() override {
    // Kills the process if it still runs, and reaps it.
    process_.reset();
    unpublish();
  }

private:
  // -- remote_child -------------------------------------------------------------

  caf::message_handler launching() override {
    publish();
    return {
      [this](worker_hello_atom, std::string& secret, int64_t pid) { return on_hello(secret, pid); },
      [this](worker_ready_atom, caf::actor& actor) {
        if (from_host() && host_ && !running() && !ending_ && actor)
          run(std::move(actor));
      },
      [this](worker_failed_atom, caf::error& reason) { return on_failed(std::move(reason)); },
      [this](worker_ended_atom, caf::error& reason) { return on_ended(std::move(reason)); },
      [this](process_ended_atom) { on_process_ended(); },
    };
  }

  caf::message_handler while_running() override {
    return {
      [this](worker_ended_atom x, caf::error& reason) -> caf::result<caf::message> {
        if (!from_host())
          return delegate(remote(), x, std::move(reason));
        on_ended(std::move(reason));
        return caf::make_message(caf::ok_atom::value);
      },
      [this](process_ended_atom) { on_process_ended(); },
    };
  }

  void abort_launch(caf::error reason) override {
    end_process(std::move(reason));
  }

  void unresponsive(caf::error why) override {
    end_process(std::move(why));
  }

  // -- launch -------------------------------------------------------------------

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
    if (ending_) {
      quit(killed_for_);
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
  }

  std::vector<std::string> environment(const worker_assignment& assignment) const {
    // This program's environment, where the options' variables and the
    // worker's assignment replace those of the same name.
    auto prefix = std::string{worker_variable} + "=";
    std::vector<std::string> env = options_.environment;
    env.push_back(prefix + encode(assignment));
    auto name_of = [](const std::string& var) { return var.substr(0, var.find('=') + 1); };
    std::set<std::string> given;
    for (auto& var : env)
      given.insert(name_of(var));
    for (auto var = environ; *var != nullptr; ++var) {
      std::string x{*var};
      if (given.count(name_of(x)) == 0)
        env.push_back(std::move(x));
    }
    return env;
  }

  // -- the worker's messages ----------------------------------------------------

  bool from_host() {
    return host_ && current_sender() == caf::actor_cast<caf::strong_actor_ptr>(host_);
  }

  caf::result<std::string, caf::message> on_hello(const std::string& secret, int64_t pid) {
    if (host_ || ending_ || !process_ || !same_secret(secret, secret_) || pid != process_->pid()) {
      fmt::print(stderr, "kintsugi: process child {} refused a worker's hello from {}\n", id(),
                 caf::to_string(current_sender()));
      return make_error(errc::process_launch_failed, "refused");
    }
    host_ = caf::actor_cast<caf::actor>(current_sender());
    // One worker only: nobody else can connect from now on.
    unpublish();
    return {options_.actor_type, args_};
  }

  caf::result<caf::ok_atom> on_failed(caf::error reason) {
    if (!from_host() || running())
      return make_error(errc::process_launch_failed, "unexpected");
    // The start fails with the worker's reason once the process has ended.
    ended_ = true;
    actor_reason_ = reason ? std::move(reason)
                           : make_error(errc::process_launch_failed, "the worker could not spawn");
    return caf::ok_atom::value;
  }

  caf::result<caf::ok_atom> on_ended(caf::error reason) {
    if (!from_host())
      return make_error(errc::process_launch_failed, "unexpected");
    actor_reason_ = std::move(reason);
    ended_ = true;
    return caf::ok_atom::value;
  }

  // -- the end ------------------------------------------------------------------

  void on_process_ended() {
    std::optional<process_end> end;
    {
      std::lock_guard<std::mutex> guard{slot_->mtx};
      end = slot_->end;
    }
    if (end)
      quit(final_reason(*end));
  }

  // What the child ends with, from the most specific cause known.
  caf::error final_reason(const process_end& end) {
    if (killed_for_)
      return killed_for_;
    if (ended_)
      return actor_reason_;
    if (stop_reason())
      return stop_reason();
    auto what = fmt::format("worker {} running {}: {}", process_ ? process_->pid() : 0,
                            options_.actor_type, describe(end));
    return make_error(end.signaled ? errc::process_crashed : errc::process_exited, what);
  }

  void end_process(caf::error why) {
    if (ending_)
      return;
    ending_ = true;
    killed_for_ = std::move(why);
    if (process_)
      process_->kill();
    else if (port_ != 0)
      quit(killed_for_);
    // Else the port is still being published: start_worker quits.
  }

  process_options options_;
  caf::message args_;
  std::string secret_;
  std::shared_ptr<end_slot> slot_;
  std::unique_ptr<launched_process> process_;
  uint16_t port_ = 0;
  // The worker's own actor, which talks for it.
  caf::actor host_;
  // Why the actor ended, as the worker said (`ended_`: it did).
  caf::error actor_reason_;
  bool ended_ = false;
  // Why the process was killed from here.
  caf::error killed_for_;
  bool ending_ = false;
};

} // namespace

} // namespace detail

start_fn in_os_process(process_options options) {
  return detail::remote_start<detail::process_child>(
    std::move(options),
    [](const process_options& x, caf::actor_system&) { return detail::check_environment(x); });
}

} // namespace kintsugi
