#include "kintsugi/observer.hpp"

#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/make_actor.hpp>
#include <caf/monitorable_actor.hpp>

#include "observed_system.hpp"

namespace kintsugi {

namespace detail {

namespace {

// Holds a system's record, registered under a name in the system's registry,
// so that the record lives exactly as long as the system. Not an actor that
// runs: it is never sent anything, and as a plain monitorable_actor its
// release by the registry's destructor needs nothing of the system (an
// event-based actor's would use the system's clock, gone by then).
class observed_system_holder final : public caf::monitorable_actor {
public:
  explicit observed_system_holder(caf::actor_config& cfg)
    : caf::monitorable_actor(cfg), record(std::make_shared<observed_system>()) {
  }

  const char* name() const override {
    return "kintsugi.observed_system";
  }

  void enqueue(caf::mailbox_element_ptr, caf::execution_unit*) override {
    // Nobody has its handle but the registry; drop what reaches it anyway.
  }

  const std::shared_ptr<observed_system> record;
};

} // namespace

std::shared_ptr<observed_system> observed_system::of(caf::actor_system& sys) {
  static std::mutex mtx;
  auto key = caf::atom("k_observ");
  std::lock_guard<std::mutex> guard{mtx};
  auto holder = sys.registry().get(key);
  if (!holder) {
    caf::actor_config cfg;
    holder = caf::make_actor<observed_system_holder, caf::strong_actor_ptr>(sys.next_actor_id(),
                                                                            sys.node(), &sys, cfg);
    sys.registry().put(key, holder);
  }
  return static_cast<observed_system_holder*>(caf::actor_cast<caf::abstract_actor*>(holder))
    ->record;
}

void observed_system::add(const caf::actor_addr& supervisor) {
  std::lock_guard<std::mutex> guard{mtx_};
  supervisors_.emplace(supervisor.id(), supervisor);
}

void observed_system::remove(const caf::actor_addr& supervisor) {
  std::lock_guard<std::mutex> guard{mtx_};
  supervisors_.erase(supervisor.id());
}

std::vector<caf::actor_addr> observed_system::supervisors() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<caf::actor_addr> result;
  result.reserve(supervisors_.size());
  for (auto& [id, addr] : supervisors_)
    result.push_back(addr);
  return result;
}

void observed_system::publish(const report& x) {
  // Counted without the lock: every supervisor of the system publishes here,
  // from whichever worker runs it.
  auto count = [](std::atomic<uint64_t>& n) { n.fetch_add(1, std::memory_order_relaxed); };
  switch (x.kind) {
    case report_kind::child_started:
      count(totals_.starts);
      break;
    case report_kind::child_restarted:
      count(totals_.restarts);
      break;
    case report_kind::start_failed:
      count(totals_.start_failures);
      break;
    case report_kind::intensity_reached:
      count(totals_.gave_up);
      break;
    case report_kind::child_exited:
      if (!x.reason)
        count(totals_.exits_normal);
      else if (x.reason == caf::exit_reason::user_shutdown)
        count(totals_.exits_shutdown);
      else if (x.reason == caf::exit_reason::kill)
        count(totals_.exits_killed);
      else
        count(totals_.exits_error);
      break;
    case report_kind::supervisor_stopping:
      break;
  }
  if (sink_count_.load(std::memory_order_acquire) == 0)
    return;
  std::shared_ptr<const sink_list> sinks;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    sinks = sinks_;
  }
  for (auto& [token, sink] : *sinks)
    sink(x);
}

report_totals observed_system::totals() const {
  auto read = [](const std::atomic<uint64_t>& n) { return n.load(std::memory_order_relaxed); };
  report_totals result;
  result.starts = read(totals_.starts);
  result.restarts = read(totals_.restarts);
  result.start_failures = read(totals_.start_failures);
  result.exits_normal = read(totals_.exits_normal);
  result.exits_shutdown = read(totals_.exits_shutdown);
  result.exits_killed = read(totals_.exits_killed);
  result.exits_error = read(totals_.exits_error);
  result.gave_up = read(totals_.gave_up);
  return result;
}

uint64_t observed_system::subscribe(report_sink sink) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto token = next_token_++;
  auto next = std::make_shared<sink_list>(*sinks_);
  next->emplace_back(token, std::move(sink));
  sinks_ = std::move(next);
  sink_count_.store(sinks_->size(), std::memory_order_release);
  return token;
}

void observed_system::unsubscribe(uint64_t token) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto next = std::make_shared<sink_list>();
  for (auto& entry : *sinks_)
    if (entry.first != token)
      next->push_back(entry);
  sinks_ = std::move(next);
  sink_count_.store(sinks_->size(), std::memory_order_release);
}

} // namespace detail

struct report_subscription::state {
  std::weak_ptr<detail::observed_system> system;
  uint64_t token = 0;
};

report_subscription& report_subscription::operator=(report_subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    state_ = std::move(other.state_);
  }
  return *this;
}

report_subscription::~report_subscription() {
  cancel();
}

void report_subscription::cancel() {
  if (!state_)
    return;
  if (auto system = state_->system.lock())
    system->unsubscribe(state_->token);
  state_.reset();
}

report_subscription subscribe_reports(caf::actor_system& sys, report_sink sink) {
  auto system = detail::observed_system::of(sys);
  auto token = system->subscribe(std::move(sink));
  return report_subscription{
    std::make_shared<report_subscription::state>(report_subscription::state{system, token})};
}

std::vector<caf::actor> supervisors(caf::actor_system& sys) {
  std::vector<caf::actor> result;
  for (auto& addr : detail::observed_system::of(sys)->supervisors())
    if (auto sup = caf::actor_cast<caf::actor>(addr))
      result.push_back(std::move(sup));
  return result;
}

report_totals totals(caf::actor_system& sys) {
  return detail::observed_system::of(sys)->totals();
}

caf::expected<supervisor_snapshot> describe(const caf::actor& sup, std::size_t first,
                                            std::size_t limit, call_timeout timeout) {
  return call<supervisor_snapshot>(sup, timeout, describe_atom::value, uint64_t{first},
                                   uint64_t{limit});
}

} // namespace kintsugi
