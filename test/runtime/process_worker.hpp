#pragma once

// The actor types of process_worker, the program that process_test runs its
// isolated children in, and what they are told.

#include <caf/atom.hpp>

namespace kintsugi::test::process {

using pid_atom = caf::atom_constant<caf::atom("pid")>;
using segv_atom = caf::atom_constant<caf::atom("segv")>;
using abort_atom = caf::atom_constant<caf::atom("abort")>;
using terminate_atom = caf::atom_constant<caf::atom("terminate")>;
using exit_atom = caf::atom_constant<caf::atom("exit")>;
using hang_atom = caf::atom_constant<caf::atom("hang")>;
using hog_atom = caf::atom_constant<caf::atom("hog")>;
using spin_atom = caf::atom_constant<caf::atom("spin")>;
/// Answers its soft limits: address space, CPU seconds, open files.
using limits_atom = caf::atom_constant<caf::atom("limits")>;

} // namespace kintsugi::test::process
