#pragma once

/// @file
/// The application root: starts a named supervision tree from `main()`,
/// blocks until it stops, stops it in order on SIGINT or SIGTERM or on
/// request, and says how it ended as a process exit status.
///
/// ```cpp
/// int main() {
///   caf::actor_system_config cfg;
///   kintsugi::configure(cfg);
///   caf::actor_system sys{cfg};
///   return kintsugi::run_application(sys, "islands", flags, {games_spec});
/// }
/// ```

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/supervisor_flags.hpp"

namespace kintsugi {

/// A running supervision tree whose root is watched from outside the actors.
class application {
public:
  /// Starts the root supervisor named `name` (its reports' name) and blocks
  /// until all its children are up; fails as `start_supervisor` does. While
  /// the application runs, SIGINT and SIGTERM stop it in order (one
  /// application per process handles them; the previous handlers come back
  /// when it has stopped).
  static caf::expected<application> start(caf::actor_system& sys, std::string name,
                                          supervisor_flags flags, std::vector<child_spec> children);

  application(application&&) noexcept;
  application& operator=(application&&) noexcept;
  ~application();

  /// The root supervisor.
  const caf::actor& root() const noexcept;

  /// Asks the root to stop in order (with `exit_reason::user_shutdown`);
  /// returns at once. Safe from any thread.
  void stop();

  /// Blocks until the root has ended, with its whole tree, and returns its
  /// exit reason: `user_shutdown` after `stop()` or a signal,
  /// `errc::reached_max_restart_intensity` when the root gave up.
  caf::error wait();

private:
  struct impl;
  explicit application(std::shared_ptr<impl> ptr);
  // Shared with the functor attached to the root, which reports its end.
  std::shared_ptr<impl> impl_;
};

/// The process exit status for a root that ended with `reason`: 0 for an
/// orderly stop (normal or `user_shutdown`), 1 for anything else, such as a
/// root that gave up.
int exit_status(const caf::error& reason);

/// Starts the tree, waits until it stops and returns the process exit
/// status: 1 if it could not start (the reason goes to stderr), otherwise
/// `exit_status` of the root's exit reason.
int run_application(caf::actor_system& sys, std::string name, supervisor_flags flags,
                    std::vector<child_spec> children);

} // namespace kintsugi
