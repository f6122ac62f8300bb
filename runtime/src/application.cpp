#include "kintsugi/application.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "kintsugi/error.hpp"
#include "kintsugi/supervisor.hpp"

namespace kintsugi {

namespace {

constexpr char signal_byte = 's';
constexpr char ended_byte = 'e';

// Where the signal handler writes; -1 while no application handles signals.
std::atomic<int> signal_fd{-1};

extern "C" void on_stop_signal(int) {
  auto fd = signal_fd.load();
  if (fd >= 0) {
    // Only async-signal-safe calls here: one write to a pipe.
    [[maybe_unused]] auto written = ::write(fd, &signal_byte, 1);
  }
}

} // namespace

// Shared between the application and the functor attached to its root, so
// that a root ending after the application object is gone finds it intact.
struct application::impl {
  caf::actor root;
  int pipe_fds[2] = {-1, -1};
  std::mutex mtx;
  caf::error reason; // guarded by mtx
  bool ended = false;
  bool handles_signals = false;
  struct sigaction previous_int {};
  struct sigaction previous_term {};

  ~impl() {
    release_signals();
    for (auto fd : pipe_fds)
      if (fd >= 0)
        ::close(fd);
  }

  void take_signals() {
    int expected = -1;
    if (!signal_fd.compare_exchange_strong(expected, pipe_fds[1]))
      return; // another application handles them
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int);
    sigaction(SIGTERM, &action, &previous_term);
    handles_signals = true;
  }

  void release_signals() {
    if (!handles_signals)
      return;
    sigaction(SIGINT, &previous_int, nullptr);
    sigaction(SIGTERM, &previous_term, nullptr);
    signal_fd.store(-1);
    handles_signals = false;
  }
};

application::application(std::shared_ptr<impl> ptr) : impl_(std::move(ptr)) {
}

application::application(application&&) noexcept = default;

application& application::operator=(application&&) noexcept = default;

application::~application() {
  if (impl_ && !impl_->ended) {
    stop();
    wait();
  }
}

caf::expected<application> application::start(caf::actor_system& sys, std::string name,
                                              supervisor_flags flags,
                                              std::vector<child_spec> children) {
  auto state = std::make_shared<impl>();
  if (::pipe2(state->pipe_fds, O_CLOEXEC) != 0)
    return caf::make_error(caf::sec::runtime_error, "cannot create a pipe");
  flags.name = std::move(name);
  auto root = start_supervisor(sys, std::move(flags), std::move(children));
  if (!root)
    return root.error();
  state->root = *root;
  state->root->attach_functor([state](const caf::error& reason) {
    {
      std::lock_guard<std::mutex> guard{state->mtx};
      state->reason = reason;
    }
    [[maybe_unused]] auto written = ::write(state->pipe_fds[1], &ended_byte, 1);
  });
  state->take_signals();
  return application{std::move(state)};
}

const caf::actor& application::root() const noexcept {
  return impl_->root;
}

void application::stop() {
  caf::anon_send_exit(impl_->root, caf::exit_reason::user_shutdown);
}

caf::error application::wait() {
  while (!impl_->ended) {
    char byte = 0;
    auto n = ::read(impl_->pipe_fds[0], &byte, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n != 1)
      return caf::make_error(caf::sec::runtime_error, "cannot wait for the root");
    if (byte == signal_byte)
      stop();
    else if (byte == ended_byte)
      impl_->ended = true;
  }
  impl_->release_signals();
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->reason;
}

int exit_status(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::user_shutdown ? 0 : 1;
}

int run_application(caf::actor_system& sys, std::string name, supervisor_flags flags,
                    std::vector<child_spec> children) {
  auto app = application::start(sys, std::move(name), std::move(flags), std::move(children));
  if (!app) {
    std::fprintf(stderr, "%s\n", render(app.error()).c_str());
    return 1;
  }
  return exit_status(app->wait());
}

} // namespace kintsugi
