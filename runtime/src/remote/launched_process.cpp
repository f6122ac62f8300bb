#include "launched_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/sec.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {

std::string describe(const process_end& end) {
  if (!end.signaled)
    return fmt::format("exit status {}", end.code);
  if (auto name = sigabbrev_np(end.code))
    return fmt::format("SIG{} ({})", name, strsignal(end.code));
  return fmt::format("signal {}", end.code);
}

namespace {

std::vector<char*> pointers(const std::vector<std::string>& xs) {
  std::vector<char*> result;
  result.reserve(xs.size() + 1);
  for (auto& x : xs)
    result.push_back(const_cast<char*>(x.c_str()));
  result.push_back(nullptr);
  return result;
}

// posix_spawn's attributes and file actions, destroyed on every path.
struct spawn_setup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;

  spawn_setup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }

  // A worker starts clean: the supervising program may ignore SIGPIPE or
  // block signals in the thread that launches it, and exec keeps both.
  int prepare() {
    sigset_t none;
    sigemptyset(&none);
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    if (auto err = posix_spawnattr_setsigmask(&attr, &none))
      return err;
    if (auto err = posix_spawnattr_setsigdefault(&attr, &all))
      return err;
    if (auto err = posix_spawnattr_setpgroup(&attr, 0))
      return err;
    if (auto err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                                                     | POSIX_SPAWN_SETPGROUP))
      return err;
    return posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
};

} // namespace

caf::expected<std::unique_ptr<launched_process>>
launched_process::launch(const std::string& program, const std::vector<std::string>& args,
                         const std::vector<std::string>& env,
                         std::function<void(process_end)> on_end) {
  auto fail = [&](int err) {
    return make_error(errc::process_launch_failed,
                      fmt::format("cannot run {}: {}", program, std::strerror(err)));
  };
  spawn_setup setup;
  if (auto err = setup.prepare())
    return fail(err);
  auto argv = pointers(args);
  auto envp = pointers(env);
  pid_t pid = 0;
  if (auto err = posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, argv.data(),
                             envp.data()))
    return fail(err);
  std::unique_ptr<launched_process> result{new launched_process(pid)};
  result->watcher_ = std::thread{[pid, on_end{std::move(on_end)}] {
    // WNOWAIT leaves the process a zombie until the destructor reaps it, so
    // that its pid (and group) stays ours to signal until then.
    siginfo_t info;
    std::memset(&info, 0, sizeof(info));
    while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0)
      if (errno != EINTR)
        return on_end({false, -1});
    on_end({info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED, info.si_status});
  }};
  return result;
}

launched_process::~launched_process() {
  kill();
  if (watcher_.joinable())
    watcher_.join();
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void launched_process::kill() noexcept {
  // The group takes whatever the worker started itself; the pid alone covers
  // the moment before the worker's own group exists.
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
}

} // namespace kintsugi::detail
