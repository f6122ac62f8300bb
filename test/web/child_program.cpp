#include "child_program.hpp"

#include <stdexcept>

#include <unistd.h>

namespace kintsugi::web::test {

child_program::child_program(const char* const* argv, int stream, bool own_group) {
  int fds[2];
  if (pipe(fds) != 0)
    throw std::runtime_error("pipe failed");
  pid = fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (own_group)
      setpgid(0, 0);
    dup2(fds[1], stream);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  close(fds[1]);
  output = fdopen(fds[0], "r");
}

} // namespace kintsugi::web::test
