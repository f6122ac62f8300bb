#pragma once

// A program a test runs, with one of its output streams on a pipe.

#include <cstdio>

#include <sys/types.h>

namespace kintsugi::web::test {

struct child_program {
  /// Starts `argv[0]` with `argv` (ending in a null pointer), its `stream`
  /// (STDOUT_FILENO or STDERR_FILENO) going to `output`. With `own_group`,
  /// the child leads a process group of its own, so that a signal to -pid
  /// reaches the helpers it starts. Throws std::runtime_error when the pipe
  /// or the fork fails; a program that cannot run exits with status 127.
  child_program(const char* const* argv, int stream, bool own_group);

  pid_t pid;
  FILE* output;
};

} // namespace kintsugi::web::test
