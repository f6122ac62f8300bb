#pragma once

/// @file
/// Kintsugi's error category. Every failure a caller can act on comes back as a
/// `caf::error` whose category is `kintsugi::error_category`; compare it with
/// the enumerators below (`err == kintsugi::errc::not_found`), which ignores the
/// context. The context names what failed: the child id, and for start failures
/// the child's own reason.

#include <cstdint>
#include <exception>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace kintsugi {

/// The category atom of every Kintsugi error.
constexpr caf::atom_value error_category = caf::atom("kintsugi");

/// Error codes of the `kintsugi` category.
enum class errc : uint8_t {
  /// A child spec or the supervisor flags are invalid; the context says why.
  invalid_spec = 1,
  /// start_child: a child spec with this id exists but has no running actor.
  already_present,
  /// start_child: a child with this id is running; the context holds the actor.
  already_started,
  /// No child (or spec) with the given id.
  not_found,
  /// restart_child / delete_child: the child is running.
  running,
  /// restart_child / delete_child: the supervisor is restarting this child.
  restarting,
  /// A child failed to start: the context holds the child id and its reason.
  start_failed,
  /// The exit reason of a supervisor that gave up: more restarts than its
  /// intensity allows within its period.
  reached_max_restart_intensity,
  /// A shutdown with a reason, like OTP's `{shutdown, Term}`: a normal exit
  /// for a transient child.
  shutdown,
  /// The supervisor is shutting down and takes no more management calls.
  supervisor_stopping,
  /// The operation is not supported by this kind of supervisor.
  not_supported,
  /// A blocking helper gave up waiting for the reply.
  timeout,
  /// A name is taken; the context holds the name and the actor that holds it.
  already_registered,
  /// A dynamic supervisor has as many children as its `max_children` allows.
  max_children,
  /// The exit reason of a child in its own OS process that a signal killed
  /// (a segfault, an abort, a resource limit, SIGKILL); the context names the
  /// signal and the process.
  process_crashed,
  /// The exit reason of a child whose OS process exited before its actor had
  /// ended; the context holds the exit status.
  process_exited,
  /// The exit reason of a child whose OS process stopped answering within its
  /// heartbeat deadline and was killed.
  process_unresponsive,
  /// A child's OS process could not be started, or did not connect back and
  /// spawn its actor; the context says which step failed.
  process_launch_failed,
  /// The exit reason of a child on another node whose connection to that
  /// node was lost; the context names the node.
  node_down,
  /// A node refused to spawn: the secret presented was not its own.
  node_refused,
  /// No node of a child's list could be reached; the context says why for
  /// each.
  node_unreachable,
};

/// Renders a code as its name, e.g. "not_found".
const char* to_string(errc code) noexcept;

/// Makes an error of the `kintsugi` category (found by ADL, so
/// `caf::error e = errc::not_found;` works).
caf::error make_error(errc code);

/// Makes an error with a context message, e.g. the child id.
caf::error make_error(errc code, caf::message context);

/// Makes an error of `code` whose context is `what`.
caf::error make_error(errc code, std::string what);

/// The error a supervisor's start returns when child `id` failed to start.
caf::error start_failed(const std::string& id, const caf::error& reason);

/// The exit reason `{shutdown, what}`: normal for transient children.
caf::error shutdown_reason(std::string what);

/// Whether `reason` ends a transient child normally: `caf::exit_reason::normal`
/// (an empty error), `caf::exit_reason::user_shutdown` (CAF's `shutdown`) and
/// `kintsugi::errc::shutdown` (`{shutdown, Term}`). Every other reason,
/// including `sec::runtime_error` from an uncaught exception, is abnormal.
bool is_normal_exit(const caf::error& reason) noexcept;

/// An exception handler for CAF actors (`self->set_exception_handler(
/// kintsugi::exception_reason)`): the actor still ends, with
/// `sec::runtime_error` as CAF's default gives, but the reason carries the
/// exception's `what()`, so reports say what went wrong. `worker_spec`
/// installs it on the actors it starts.
caf::error exception_reason(std::exception_ptr& ep);

/// A readable rendering of any error, with the codes of Kintsugi's categories
/// (and of those given to `add_error_category`) spelled out.
std::string render(const caf::error& err);

/// The name of one code of an error category ("unknown", or null, for a code
/// it does not know).
using code_names = const char* (*) (uint8_t code) noexcept;

/// Lets `render` spell the codes of another error category as `prefix`
/// followed by the code's name, and `configure` pass that to CAF's renderer
/// (`sys.render`) for actor systems configured later. The term store
/// registers its own category (`kintsugi::ets::`) this way. Registering a
/// category again replaces its names. Thread-safe.
void add_error_category(caf::atom_value category, std::string prefix, code_names names);

} // namespace kintsugi
