#pragma once

// A program launched as a worker, watched until it ends. Internal.

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace kintsugi::detail {

/// How a process ended, as waitid reports it.
struct process_end {
  /// Killed by signal `code`; otherwise it exited with status `code`.
  bool signaled = false;
  int code = 0;
};

/// "SIGSEGV (Segmentation fault)", or "exit status 3".
std::string describe(const process_end& end);

class launched_process {
public:
  /// Runs `program` with `args` (argv[0] first) and the environment `env`
  /// ("NAME=value") as the leader of a new process group, with default signal
  /// dispositions, an empty signal mask and stdin on /dev/null. A thread of
  /// its own waits for the process to end and then calls `on_end` once.
  static caf::expected<std::unique_ptr<launched_process>>
  launch(const std::string& program, const std::vector<std::string>& args,
         const std::vector<std::string>& env, std::function<void(process_end)> on_end);

  launched_process(const launched_process&) = delete;
  launched_process& operator=(const launched_process&) = delete;

  /// Kills the process group with SIGKILL, waits for the watcher, and reaps
  /// the process.
  ~launched_process();

  pid_t pid() const noexcept {
    return pid_;
  }

  /// Sends SIGKILL to the process group. The process is not reaped before
  /// the destructor, so its pid cannot have been reused meanwhile.
  void kill() noexcept;

private:
  explicit launched_process(pid_t pid) : pid_(pid) {
  }

  pid_t pid_;
  std::thread watcher_;
};

} // namespace kintsugi::detail
