// kintsugi-bench-peer: the other process of W7 and W8. Launched by a process
// child, it is the worker; run as `kintsugi-bench-peer node PORT SECRET`, it
// is the node, and prints "listening PORT". Either way it runs "bench_child",
// the peer's idle gen_server, which also segfaults on request.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "kintsugi/kintsugi.hpp"
#include "kintsugi/node.hpp"
#include "kintsugi/process.hpp"
#include "remote_workloads.hpp"

namespace {

using namespace kintsugi::bench;

caf::behavior bench_child() {
  return {
    [](ping_atom) { return pong_atom::value; },
    [](segv_atom) { raise(SIGSEGV); },
  };
}

} // namespace

int main(int argc, char** argv) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.add_actor_type("bench_child", bench_child);
  if (auto status = kintsugi::run_worker_if_asked(cfg))
    return *status;
  if (argc != 4 || std::string{argv[1]} != "node") {
    std::fprintf(stderr, "usage: kintsugi-bench-peer node PORT SECRET (or as a worker)\n");
    return 64;
  }
  kintsugi::configure(cfg);
  caf::actor_system sys{cfg};
  kintsugi::node_options options;
  options.port = static_cast<uint16_t>(std::atoi(argv[2]));
  options.secret = argv[3];
  auto port = kintsugi::serve_node(sys, options);
  if (!port) {
    std::fprintf(stderr, "%s\n", kintsugi::render(port.error()).c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  for (;;)
    pause();
}
