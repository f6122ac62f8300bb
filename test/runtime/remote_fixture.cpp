#include "remote_fixture.hpp"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

extern char** environ;

namespace kintsugi::test {

test_program::test_program(std::vector<std::string> args) {
  int out[2];
  BOOST_REQUIRE(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  auto env = sanitizer_environment();
  for (char** var = environ; *var; ++var) {
    std::string x{*var};
    auto name = x.substr(0, x.find('=') + 1);
    if (name != "ASAN_OPTIONS=" && name != "TSAN_OPTIONS=" && name != "UBSAN_OPTIONS=")
      env.push_back(std::move(x));
  }
  auto pointers = [](std::vector<std::string>& xs) {
    std::vector<char*> result;
    for (auto& x : xs)
      result.push_back(x.data());
    result.push_back(nullptr);
    return result;
  };
  auto argv = pointers(args);
  auto envp = pointers(env);
  auto err = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (err != 0) {
    close(out[0]);
    BOOST_FAIL("cannot run " << args[0]);
  }
  reader_ = std::thread{[this, fd{out[0]}] {
    // Polled, so that kill() can stop it while children of the program still
    // hold the pipe open.
    std::string pending;
    char buf[256];
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0)
        continue;
      auto n = read(fd, buf, sizeof(buf));
      if (n <= 0)
        break;
      pending.append(buf, static_cast<std::size_t>(n));
      std::lock_guard<std::mutex> guard{mtx_};
      for (auto end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
        lines_.push_back(pending.substr(0, end));
        pending.erase(0, end + 1);
      }
      changed_.notify_all();
    }
    close(fd);
  }};
}

test_program::~test_program() {
  kill();
}

std::size_t test_program::count(const std::string& prefix) {
  std::lock_guard<std::mutex> guard{mtx_};
  std::size_t n = 0;
  for (auto& x : lines_)
    if (x.rfind(prefix, 0) == 0)
      ++n;
  return n;
}

void test_program::kill() {
  if (reaped_)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  stop_ = true;
  if (reader_.joinable())
    reader_.join();
}

test_node::test_node(uint16_t port, std::vector<std::string> extra) {
  std::vector<std::string> args{PROCESS_WORKER, "node", std::to_string(port), node_secret};
  args.insert(args.end(), extra.begin(), extra.end());
  program_ = std::make_unique<test_program>(std::move(args));
  auto lines = program_->await_lines([](const std::vector<std::string>& xs) { return !xs.empty(); },
                                     "listening line");
  BOOST_REQUIRE_MESSAGE(lines.front().rfind("listening ", 0) == 0, lines.front());
  port_ = static_cast<uint16_t>(std::atoi(lines.front().c_str() + 10));
}

void test_node::await(const std::string& what, std::size_t n) {
  program_->await_lines(
    [&](const std::vector<std::string>& xs) {
      std::size_t k = 0;
      for (auto& x : xs)
        if (x.rfind(what + " ", 0) == 0)
          ++k;
      return k >= n;
    },
    std::to_string(n) + " \"" + what + "\" lines");
}

remote_options on(std::vector<node_address> nodes, std::string type) {
  remote_options options;
  options.actor_type = std::move(type);
  options.secret = node_secret;
  options.nodes = std::move(nodes);
  options.heartbeat_interval = std::chrono::milliseconds{200};
  options.heartbeat_timeout = std::chrono::seconds{20};
  return options;
}

child_spec remote(std::string id, remote_options options) {
  child_spec spec;
  spec.id = std::move(id);
  spec.start = on_node(std::move(options));
  return spec;
}

} // namespace kintsugi::test
