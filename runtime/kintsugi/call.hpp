#pragma once

/// @file
/// Blocking calls for code outside actors (main(), tests, a terminal loop):
/// one request, a bounded wait, then the reply or an error. A blocking call
/// costs tens of microseconds (CAF's scoped actors): use it for convenience,
/// and requests between actors on hot paths.
///
/// ```cpp
/// auto score = kintsugi::call<int>(game, std::chrono::seconds{1}, score_atom::value);
/// auto same = kintsugi::call_by_name<int>(*names, "Kusama", std::chrono::seconds{1},
///                                         score_atom::value);
/// ```

#include <chrono>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>
#include <caf/unit.hpp>

#include "kintsugi/error.hpp"
#include "kintsugi/longest_duration.hpp"
#include "kintsugi/registry.hpp"

namespace kintsugi {

using call_timeout = std::chrono::milliseconds;
constexpr call_timeout default_call_timeout = std::chrono::seconds{5};

/// Sends `xs...` to `dest` and waits at most `timeout` for a reply of type `T`
/// (`caf::unit_t` for an empty reply). Errors: the error `dest` answered;
/// `errc::timeout` when no reply came in time; `sec::request_receiver_down`
/// when `dest` is gone; `sec::invalid_argument` for an invalid handle or a
/// negative timeout, or one longer than `longest_duration`;
/// `sec::unexpected_response` for a reply of another type.
template <class T, class... Ts>
caf::expected<T> call(const caf::actor& dest, call_timeout timeout, Ts&&... xs) {
  if (!dest)
    return caf::make_error(caf::sec::invalid_argument, "no actor to call");
  if (timeout.count() < 0 || timeout > longest_duration)
    return caf::make_error(caf::sec::invalid_argument, timeout.count() < 0
                                                         ? "negative call timeout"
                                                         : "call timeout longer than a century");
  caf::scoped_actor self{dest->home_system(), true};
  caf::expected<T> result{caf::error{}};
  auto on_error = [&](caf::error& err) {
    result = err == caf::sec::request_timeout ? make_error(errc::timeout) : std::move(err);
  };
  auto handle = self->request(dest, timeout, std::forward<Ts>(xs)...);
  if constexpr (std::is_same_v<T, caf::unit_t>)
    handle.receive([&] { result = caf::unit; }, on_error);
  else
    handle.receive([&](T& x) { result = std::move(x); }, on_error);
  return result;
}

/// `call` to the actor registered under `name`. Errors: `errc::not_found`
/// when no actor holds the name, then those of `call`.
template <class T, class... Ts>
caf::expected<T>
call_by_name(const registry& names, const std::string& name, call_timeout timeout, Ts&&... xs) {
  auto dest = names.whereis(name);
  if (!dest)
    return std::move(dest.error());
  return call<T>(*dest, timeout, std::forward<Ts>(xs)...);
}

} // namespace kintsugi
