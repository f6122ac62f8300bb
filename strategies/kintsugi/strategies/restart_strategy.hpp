#pragma once

/// @file
/// The interface of a restart strategy: given a supervisor's children in start
/// order and the one that ended abnormally (or ended and must be restarted),
/// decide which children to stop and which to start again.
///
/// Writing one takes a class with two functions:
///
/// ```cpp
/// // Restarts the failed child and every worker, never a child supervisor.
/// class workers_for_one : public kintsugi::restart_strategy {
/// public:
///   std::string_view name() const noexcept override { return "workers_for_one"; }
///   kintsugi::restart_plan plan(const kintsugi::child_list& children,
///                               std::size_t failed) const override {
///     kintsugi::restart_plan p;
///     for (std::size_t i = 0; i < children.size(); ++i)
///       if (i == failed || children[i].type == kintsugi::child_type::worker)
///         p.restart.push_back(i);
///     for (auto i = p.restart.rbegin(); i != p.restart.rend(); ++i)
///       if (*i != failed) p.terminate.push_back(*i);
///     return p;
///   }
/// };
/// flags.strategy = std::make_shared<workers_for_one>();
/// ```
///
/// The supervisor carries the plan out: it stops `terminate` one after the
/// other, each by its shutdown policy (skipping those not running), then
/// starts `restart` in order, each fully initialised before the next. It never
/// restarts a temporary child, whatever the plan says (OTP drops a temporary
/// child that a strategy terminated), and it counts the plan as one restart
/// towards the restart intensity. A plan that names an index out of range is
/// ignored for that index.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/strategies/child_kind.hpp"

namespace kintsugi {

/// What a strategy sees of one child.
struct child_view {
  const std::string& id;
  restart_type restart;
  child_type type;
  /// Whether the child has a live actor right now.
  bool running;
};

/// A supervisor's children in start order.
class child_list {
public:
  virtual ~child_list() = default;
  virtual std::size_t size() const noexcept = 0;
  virtual child_view operator[](std::size_t index) const = 0;
};

/// The strategy's decision, as indices into the `child_list`.
struct restart_plan {
  /// Children to stop, in this order (usually reverse start order).
  std::vector<std::size_t> terminate;
  /// Children to start again, in this order (usually start order).
  std::vector<std::size_t> restart;
};

/// A restart strategy. Implementations must be stateless or thread-safe: one
/// object may serve many supervisors at once.
class restart_strategy {
public:
  virtual ~restart_strategy() = default;

  /// The strategy's name, for reports.
  virtual std::string_view name() const noexcept = 0;

  /// Decides what to do after child `failed` ended and must be restarted.
  virtual restart_plan plan(const child_list& children, std::size_t failed) const = 0;
};

using restart_strategy_ptr = std::shared_ptr<const restart_strategy>;

} // namespace kintsugi
