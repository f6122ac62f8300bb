#pragma once

// What a process child (the local actor, process_child.cpp) and its worker
// (worker_main.cpp) say to each other. Internal.
//
// The child launches the worker with KINTSUGI_WORKER in its environment:
// "<version> <port> <secret> <parent pid> <address space> <cpu seconds>
// <open files>". The worker connects to 127.0.0.1:<port>, where the child has
// published itself, and then:
//
//   worker -> child   (worker_hello_atom, secret, pid)    -> (actor type, args)
//   worker -> child   (worker_ready_atom, actor)          once the actor's init ran
//   worker -> child   (worker_failed_atom, error)         -> (ok_atom) the spawn failed
//   worker -> child   (worker_ended_atom, exit reason)    -> (ok_atom) the actor ended
//
// The child answers only a hello with its secret and the pid it launched,
// and takes the rest only from the worker that said it.

#include <cstdint>
#include <optional>
#include <string>

#include <caf/atom.hpp>

#include "kintsugi/same_secret.hpp"

namespace kintsugi::detail {

using worker_hello_atom = caf::atom_constant<caf::atom("k_whello")>;
using worker_ready_atom = caf::atom_constant<caf::atom("k_wready")>;
using worker_failed_atom = caf::atom_constant<caf::atom("k_wfailed")>;
using worker_ended_atom = caf::atom_constant<caf::atom("k_wended")>;

constexpr const char* worker_variable = "KINTSUGI_WORKER";
constexpr int worker_protocol_version = 1;
/// Hex digits of a secret: 128 bits.
constexpr std::size_t secret_length = 32;

struct worker_assignment {
  uint16_t port = 0;
  std::string secret;
  int64_t parent = 0;
  uint64_t address_space = 0;
  uint64_t cpu_seconds = 0;
  uint64_t open_files = 0;
};

/// The value of `worker_variable` for `x`.
std::string encode(const worker_assignment& x);

/// Reads a value of `worker_variable`; none if it is not one that `encode`
/// makes.
std::optional<worker_assignment> decode_assignment(const std::string& text);

/// A new secret from the system's random source.
std::string make_secret();

} // namespace kintsugi::detail
