#pragma once

/// @file
/// Child specifications: how a supervisor starts, restarts and stops a child
/// (OTP's `child_spec()` map). Build one with `worker_spec`, or let an actor
/// type provide its own default spec and override single fields:
///
/// ```cpp
/// struct game { static kintsugi::child_spec child_spec(std::string name) {
///   return kintsugi::worker_spec(name, game_actor, name); } };
/// auto spec = game::child_spec("Kusama");
/// spec.restart = kintsugi::restart_type::transient;
/// ```

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>
#include <caf/detail/type_list.hpp>
#include <caf/detail/type_traits.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/local_actor.hpp>
#include <caf/message.hpp>

#include "kintsugi/error.hpp"
#include "kintsugi/registry.hpp"
#include "kintsugi/report.hpp"
#include "kintsugi/restart_backoff.hpp"
#include "kintsugi/strategies/child_kind.hpp"

namespace kintsugi {

/// How a supervisor stops a child (OTP's `shutdown` key).
class shutdown_policy {
public:
  enum class kind : uint8_t { brutal_kill, timeout, infinity };

  /// Kill the child at once (`exit_reason::kill`, which it cannot trap).
  static shutdown_policy brutal_kill() noexcept;

  /// Send a shutdown exit (`exit_reason::user_shutdown`); kill the child if it
  /// has not ended `after` later. OTP's integer shutdown.
  static shutdown_policy timeout(std::chrono::milliseconds after) noexcept;

  /// Send a shutdown exit and wait for the child however long it takes.
  static shutdown_policy infinity() noexcept;

  kind what() const noexcept {
    return kind_;
  }
  std::chrono::milliseconds after() const noexcept {
    return after_;
  }

  friend bool operator==(const shutdown_policy& x, const shutdown_policy& y) noexcept {
    return x.kind_ == y.kind_ && x.after_ == y.after_;
  }

private:
  shutdown_policy(kind k, std::chrono::milliseconds after) : kind_(k), after_(after) {
  }
  kind kind_;
  std::chrono::milliseconds after_;
};

std::string to_string(const shutdown_policy& x);

/// What a start function hands back: the new child, a failure reason, or
/// OTP's `ignore` (the spec is kept with no actor, unless it is temporary).
class start_result {
public:
  start_result(caf::actor child) : child_(std::move(child)) {
  }
  start_result(caf::error reason) : reason_(std::move(reason)) {
  }

  static start_result ignore() {
    return start_result{};
  }

  bool ignored() const noexcept {
    return !child_ && !reason_;
  }
  const caf::actor& child() const noexcept {
    return child_;
  }
  const caf::error& reason() const noexcept {
    return reason_;
  }

private:
  start_result() = default;
  caf::actor child_;
  caf::error reason_;
};

/// How the supervisor learns that a new child has finished initialising. A
/// start completes only then; a child that dies before fails the start.
enum class init_ack : uint8_t {
  /// The child is up once its behaviour function has returned.
  on_init,
  /// The child sends `(started_atom)` to its supervisor (the actor behind
  /// `start_context::supervisor()`) once it is up, or quits with the reason it
  /// failed; a child that never does keeps its supervisor waiting, as an OTP
  /// child whose init never returns. Supervisors use this, so that a child
  /// supervisor counts as started only when all of its children are.
  on_started_message,
};

/// Sent by a child to its supervisor once it is up (see `init_ack`).
using started_atom = caf::atom_constant<caf::atom("k_started")>;

namespace detail {

template <class F>
struct actor_function;

template <class F, class Params>
struct announcing_init;

} // namespace detail

/// Handed to a start function; it runs inside the supervisor and is valid only
/// during that call.
class start_context {
public:
  start_context(caf::local_actor& supervisor, const report_sink& reports, const caf::message& args,
                init_ack ack, const std::optional<registered_name>& name)
    : supervisor_(&supervisor), reports_(&reports), args_(&args), ack_(ack), name_(&name) {
  }

  /// Spawns the child from the supervisor's own execution context. Do not
  /// link it to the supervisor: the supervisor monitors it and makes sure it
  /// never outlives the supervisor.
  ///
  /// With `init_ack::on_init`, the child registers its name (as OTP registers
  /// a gen_server before its init/1 runs, so that messages sent by name wait
  /// in its mailbox), runs its behaviour function, and then tells its
  /// supervisor it is up, before it handles any message: a start costs the
  /// spawn and that one message. A name that is taken ends the child with
  /// `errc::already_registered`, which fails the start. With `lazy_init` in
  /// `Os` the child runs nothing until a message arrives, so the supervisor
  /// registers it and asks it instead, one message more.
  template <caf::spawn_options Os = caf::no_spawn_options, class F, class... Ts>
  caf::actor spawn(F fun, Ts&&... xs) {
    if constexpr (!caf::has_lazy_init_flag(Os)) {
      if (ack_ == init_ack::on_init) {
        using wrapper = detail::announcing_init<F, typename detail::actor_function<F>::params>;
        auto child = supervisor_->spawn<Os>(
          wrapper::wrap(std::move(fun), supervisor_->address(), *name_), std::forward<Ts>(xs)...);
        announced_ = child.address();
        return child;
      }
    }
    return supervisor_->spawn<Os>(std::move(fun), std::forward<Ts>(xs)...);
  }

  caf::actor_system& system() const noexcept {
    return supervisor_->home_system();
  }

  /// The supervisor that starts the child.
  caf::local_actor& supervisor() const noexcept {
    return *supervisor_;
  }

  /// The supervisor's report sink; a child supervisor inherits it.
  const report_sink& reports() const noexcept {
    return *reports_;
  }

  /// Extra arguments for this start: empty under a static supervisor; under a
  /// dynamic one, its `extra_arguments` followed by those `start_child` gave
  /// (see dynamic_supervisor.hpp). A restart passes the same arguments again.
  const caf::message& args() const noexcept {
    return *args_;
  }

  /// Says that `child`, which the start function spawned itself, will send
  /// `(started_atom)` to the supervisor once it is up, whatever the spec's
  /// `ack`: for a child whose init completes elsewhere, as a child in another
  /// OS process does. The supervisor still registers its name.
  void announces_itself(const caf::actor& child) {
    self_announced_ = child.address();
  }

  /// Whether `child` is an actor that `spawn` made announce its own init
  /// (and register its own name). For the supervisor.
  bool announces(const caf::actor& child) const noexcept {
    return child && announced_ == child.address();
  }

  /// Whether `child` was declared with `announces_itself`. For the supervisor.
  bool announces_without_name(const caf::actor& child) const noexcept {
    return child && self_announced_ == child.address();
  }

private:
  caf::local_actor* supervisor_;
  // Not copies: a restart must not copy the sink's function object.
  const report_sink* reports_;
  const caf::message* args_;
  init_ack ack_;
  const std::optional<registered_name>* name_;
  caf::actor_addr announced_;
  caf::actor_addr self_announced_;
};

/// Starts a child. Runs inside the supervisor: it must not block.
using start_fn = std::function<start_result(start_context&)>;

/// A child specification. The fields are OTP's; set them directly to override
/// the defaults an actor type provides.
struct child_spec {
  /// Unique within its supervisor; never empty.
  std::string id;
  /// Starts the child; required.
  start_fn start;
  restart_type restart = restart_type::permanent;
  /// Empty means the default for `type`: 5000 ms for a worker, infinity for a
  /// supervisor.
  std::optional<shutdown_policy> shutdown;
  child_type type = child_type::worker;
  /// Whether this child's end may stop the supervisor (see `auto_shutdown`).
  /// Only a transient or temporary child may be significant.
  bool significant = false;
  init_ack ack = init_ack::on_init;
  /// When set, the supervisor registers each actor it starts for this child
  /// under this name; a start whose name is taken fails with
  /// `errc::already_registered`. The name is released when the actor ends.
  std::optional<registered_name> name;
  /// When set, each restart waits for a growing delay (see
  /// restart_backoff.hpp); empty restarts at once, as OTP does.
  std::optional<restart_backoff> backoff;

  /// `shutdown`, or the default for `type`.
  shutdown_policy effective_shutdown() const noexcept;
};

/// Checks one spec; the error (`errc::invalid_spec`) names the problem.
caf::error validate(const child_spec& spec);

namespace detail {

// What a CAF actor function takes: `self` first or not, then its parameters.
template <class F>
struct actor_function {
  using arg_types = typename caf::detail::get_callable_trait<F>::type::arg_types;
  using first = typename caf::detail::tl_head<arg_types>::type;
  static constexpr bool takes_self = std::is_pointer_v<first>;
  using self_type = std::conditional_t<takes_self, first, caf::event_based_actor*>;
  using params
    = std::conditional_t<takes_self, typename caf::detail::tl_tail<arg_types>::type, arg_types>;

  // Calls `fun` (an F, or a wrapper of one) as CAF would: with `self` first
  // if it takes it.
  template <class G, class... Xs>
  static decltype(auto) invoke(G& fun, self_type self, Xs&&... xs) {
    if constexpr (takes_self)
      return fun(self, std::forward<Xs>(xs)...);
    else
      return fun(std::forward<Xs>(xs)...);
  }
};

// Wraps the function of a child that `start_context::spawn` starts with
// init_ack::on_init: see there.
template <class F, class... Ps>
struct announcing_init<F, caf::detail::type_list<Ps...>> {
  using self_type = typename actor_function<F>::self_type;
  using function = actor_function<F>;

  static auto wrap(F fun, caf::actor_addr supervisor, std::optional<registered_name> name) {
    return [fun{std::move(fun)}, supervisor{std::move(supervisor)},
            name{std::move(name)}](self_type self, Ps... xs) mutable {
      using result = decltype(function::invoke(fun, self, std::forward<Ps>(xs)...));
      if (name) {
        if (auto err = name->where->register_name(name->name, caf::actor_cast<caf::actor>(self))) {
          self->quit(std::move(err));
          if constexpr (!std::is_void_v<result>)
            return result{};
          else
            return;
        }
      }
      auto announce = [&] {
        if (auto sup = caf::actor_cast<caf::actor>(supervisor))
          self->send(sup, started_atom::value);
      };
      if constexpr (std::is_void_v<result>) {
        function::invoke(fun, self, std::forward<Ps>(xs)...);
        announce();
      } else {
        auto behavior = function::invoke(fun, self, std::forward<Ps>(xs)...);
        announce();
        return behavior;
      }
    };
  }
};

// The error of a start whose extra arguments do not fit the function.
caf::error extra_arguments_mismatch(std::size_t expected, const caf::message& got);

template <class F, class Self, class Params, class Extra>
struct worker_starter;

template <class F, class Self, class... Ps, class... Es>
struct worker_starter<F, Self, caf::detail::type_list<Ps...>, caf::detail::type_list<Es...>> {
  // Wraps `fun` so that the actor's exceptions end it with their text
  // (`exception_reason`).
  static auto keep_exception_text(F fun) {
    return [fun](Self self, std::decay_t<Ps>... xs) {
      self->set_exception_handler(exception_reason);
      return actor_function<F>::invoke(fun, self, std::move(xs)...);
    };
  }

  template <class Fun, class... Fixed>
  static start_result start(start_context& ctx, const Fun& fun, const Fixed&... fixed) {
    const auto& extra = ctx.args();
    if (!extra.template match_elements<std::decay_t<Es>...>())
      return extra_arguments_mismatch(sizeof...(Es), extra);
    return spawn(ctx, fun, std::index_sequence_for<Es...>{}, fixed...);
  }

  template <class Fun, size_t... Is, class... Fixed>
  static start_result
  spawn(start_context& ctx, const Fun& fun, std::index_sequence<Is...>, const Fixed&... fixed) {
    const auto& extra = ctx.args();
    return ctx.spawn(fun, fixed..., extra.template get_as<std::decay_t<Es>>(Is)...);
  }
};

template <class F, class... Fixed>
using worker_starter_for = worker_starter<
  F, typename actor_function<F>::self_type, typename actor_function<F>::params,
  caf::detail::tl_slice_t<typename actor_function<F>::params, sizeof...(Fixed),
                          caf::detail::tl_size<typename actor_function<F>::params>::value>>;

} // namespace detail

/// A worker spec whose start spawns `fun(args..., extra...)` (a CAF
/// function-based actor, taking `self` first or not) as a permanent worker.
/// `extra...` are the parameters of `fun` after `args...`: they come from the
/// start's extra arguments (`start_context::args()`), which a dynamic
/// supervisor takes from `start_child`; a start whose extra arguments do not
/// match them fails with `sec::invalid_argument`. An exception that ends the
/// actor becomes a `sec::runtime_error` carrying its `what()`.
///
/// ```cpp
/// caf::behavior game(caf::event_based_actor* self, settings s, std::string player);
/// auto tmpl = kintsugi::worker_spec("game", game, settings{});  // `player` per start
/// ```
template <class F, class... Ts>
child_spec worker_spec(std::string id, F fun, Ts... args) {
  using starter = detail::worker_starter_for<F, Ts...>;
  static_assert(sizeof...(Ts)
                  <= caf::detail::tl_size<typename detail::actor_function<F>::params>::value,
                "more arguments than the actor function takes");
  child_spec spec;
  spec.id = std::move(id);
  spec.start = [fun{starter::keep_exception_text(std::move(fun))}, args...](
                 start_context& ctx) -> start_result { return starter::start(ctx, fun, args...); };
  return spec;
}

} // namespace kintsugi
