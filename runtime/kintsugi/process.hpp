#pragma once

/// @file
/// Children in their own OS process, in target `kintsugi::remote` (which
/// links CAF's network layer, libcaf-io). A segfault, an abort, an uncaught
/// exception that reaches std::terminate, a resource limit or an exit ends
/// only that process; its supervisor sees an abnormal exit of the child and
/// restarts it by its strategy, as any other.
///
/// Set a spec's start to `in_os_process`, and start the program the child
/// runs in with `run_worker_if_asked`; by default that is the supervising
/// program itself:
///
/// ```cpp
/// int main() {
///   caf::actor_system_config cfg;
///   cfg.load<caf::io::middleman>();
///   cfg.add_actor_type("parser", parser_actor);  // what a worker can run
///   if (auto status = kintsugi::run_worker_if_asked(cfg))
///     return *status;  // this process was a worker, and is done
///   kintsugi::configure(cfg);
///   caf::actor_system sys{cfg};
///   auto spec = kintsugi::worker_spec("parser", parser_actor);
///   spec.start = kintsugi::in_os_process({"parser"});
///   auto sup = kintsugi::start_supervisor(sys, {}, {spec});
///   if (!sup)
///     return 1;
///   // ... until the program is done:
///   kintsugi::stop(*sup, caf::exit_reason::user_shutdown);
///   return 0;
/// }
/// ```
///
/// How it works: the child's start spawns a local actor, which is the handle
/// the supervisor holds and everyone else talks to. It publishes itself on an
/// ephemeral port of 127.0.0.1, launches the program with the port and a
/// one-time secret in its environment, and waits for the worker to connect
/// back (CAF's middleman), prove the secret, spawn the actor type by its name
/// with the start's arguments, and finish its init; then the start completes.
/// From then on it forwards every message to the actor in the worker (the
/// sender is kept, so replies go straight back), and it ends when the worker's
/// process ends, with the actor's own exit reason if the actor ended, or else
/// with `errc::process_crashed` (the signal by name), `errc::process_exited`
/// (the exit status) or `errc::process_unresponsive` (it missed a heartbeat).
///
/// Stopping: an exit signal to the child goes on to the actor in the worker,
/// whose process then exits; the spec's shutdown policy applies as usual,
/// and when the child is killed, so is the worker's process group. A worker
/// exits when the program that launched it dies, even by SIGKILL.
///
/// Messages to the child cross a socket: their types need
/// `add_message_type` in both programs, as for any remote actor in CAF.
/// The supervising program must reap its own child processes: do not set
/// SIGCHLD to SIG_IGN.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/message.hpp>

#include "kintsugi/child_spec.hpp"

namespace kintsugi {

/// Limits a worker applies to itself (setrlimit) before it starts its actor;
/// zero means no limit. A process past a limit is killed or fails, and its
/// child is restarted.
struct process_limits {
  /// Bytes of virtual memory (RLIMIT_AS): allocations beyond fail. Not for
  /// programs built with AddressSanitizer or ThreadSanitizer, which reserve
  /// terabytes of address space for themselves.
  uint64_t address_space = 0;
  /// Seconds of CPU time (RLIMIT_CPU): the process then gets SIGXCPU.
  std::chrono::seconds cpu_time{0};
  /// Open file descriptors (RLIMIT_NOFILE).
  uint64_t open_files = 0;
};

/// How `in_os_process` runs a child.
struct process_options {
  /// The actor type the worker spawns, as its configuration registered it
  /// with `add_actor_type`.
  std::string actor_type;
  /// Arguments for the actor, before the start's extra arguments
  /// (`start_context::args()`, e.g. a dynamic supervisor's).
  caf::message args = {};
  /// The program to run; empty runs the supervising program itself
  /// (/proc/self/exe). It must call `run_worker_if_asked` first thing.
  std::string program = {};
  /// Its command-line arguments after the program name.
  std::vector<std::string> program_args = {};
  /// Variables for its environment, as "NAME=value": they replace this
  /// program's variables of the same name, which it inherits otherwise.
  std::vector<std::string> environment = {};
  process_limits limits = {};
  /// How often the child's actor is asked whether it still answers, and how
  /// long it has to answer: an actor busy longer than that is taken for hung.
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds heartbeat_timeout{5000};
  /// How long the worker has, from its launch, to connect back and finish
  /// its actor's init; a start that takes longer fails.
  std::chrono::milliseconds launch_timeout{30'000};
};

/// A start function that runs the child in a new OS process (see above).
/// The start fails with `errc::process_launch_failed` when the program
/// cannot be run or does not connect back in time, with CAF's error when the
/// worker cannot spawn the actor type with these arguments, and with
/// `errc::invalid_spec` for invalid options or an actor system without the
/// middleman.
start_fn in_os_process(process_options options);

/// In the program a worker runs, call this before anything else with the
/// program's configuration (with the middleman loaded, and the actor types
/// registered). In a process that Kintsugi launched as a worker, it serves
/// as one: it connects back to the child's supervisor, runs the actor, and
/// returns the process's exit status once the actor has ended. In any other
/// process it returns none at once.
std::optional<int> run_worker_if_asked(caf::actor_system_config& cfg);

} // namespace kintsugi
