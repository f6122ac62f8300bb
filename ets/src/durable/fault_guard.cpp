#include "fault_guard.hpp"

#include <csignal>
#include <mutex>

namespace kintsugi::ets::detail {

thread_local sigjmp_buf* fault_jump = nullptr;

namespace {

// The faults a corrupted page can cause: wild reads, reads past the end of
// the file, and divisions by a zero read from a header.
struct fault_signal {
  int sig;
  struct sigaction previous;
};
fault_signal fault_signals[] = {{SIGSEGV, {}}, {SIGBUS, {}}, {SIGFPE, {}}};

void on_fault(int sig, siginfo_t*, void*) {
  if (fault_jump)
    siglongjmp(*fault_jump, sig);
  // Not ours: restore what was there and let the fault happen again.
  for (auto& x : fault_signals)
    if (x.sig == sig)
      sigaction(sig, &x.previous, nullptr);
}

} // namespace

// LMDB checks some of its invariants with assertions that abort: on a
// corrupted page they fail, and under a guard they are a fault like the rest.
void on_lmdb_assert(MDB_env*, const char*) {
  if (fault_jump)
    siglongjmp(*fault_jump, SIGABRT);
}

void install_fault_handler() {
  static std::mutex mtx;
  std::lock_guard<std::mutex> guard{mtx};
  for (auto& x : fault_signals) {
    struct sigaction current {};
    sigaction(x.sig, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_fault)
      continue;
    struct sigaction sa {};
    sa.sa_sigaction = on_fault;
    // NODEFER: the handler leaves by siglongjmp, so the signal must not
    // stay blocked; the jump then needs no saved signal mask (a syscall).
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(x.sig, &sa, &x.previous);
  }
}

} // namespace kintsugi::ets::detail
