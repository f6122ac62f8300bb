#include "kintsugi/testing.hpp"

namespace kintsugi::testing {

namespace {

caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
  // Before configure(), which keeps a scheduler that is already chosen.
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return configure(cfg);
}

} // namespace

fixture::fixture()
  : sys(prepare(cfg)),
    sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
    self(sys, true),
    baseline_(sys.registry().running()) {
}

fixture::~fixture() {
  run();
  auto leaked = running_actors();
  BOOST_CHECK_MESSAGE(leaked == 0, leaked << " actor(s) outlived the test");
  if (leaked != 0)
    sys.await_actors_before_shutdown(false);
}

std::size_t fixture::running_actors() {
  // CAF counts the fixture's own scoped actor, hidden or not.
  return sys.registry().running() - baseline_;
}

supervisor_flags fixture::flags(restart_strategy_ptr strategy, int intensity,
                                std::chrono::milliseconds period) {
  supervisor_flags result;
  result.strategy = std::move(strategy);
  result.intensity = intensity;
  result.period = period;
  result.name = "sup";
  result.reports = capture_reports();
  return result;
}

dynamic_supervisor_flags fixture::dynamic_flags(int intensity, std::chrono::milliseconds period) {
  dynamic_supervisor_flags result;
  result.intensity = intensity;
  result.period = period;
  result.name = "dyn";
  result.reports = capture_reports();
  return result;
}

report_sink fixture::capture_reports() {
  return [this](const report& r) {
    std::lock_guard<std::mutex> guard{reports_mtx_};
    reports.push_back(r);
  };
}

caf::actor fixture::spawn_sup(supervisor_flags flags, std::vector<child_spec> children) {
  auto sup = spawn_supervisor(sys, std::move(flags), std::move(children));
  run();
  return sup;
}

caf::actor fixture::spawn_dynamic_sup(dynamic_supervisor_flags flags) {
  auto sup = spawn_dynamic_supervisor(sys, std::move(flags));
  run();
  return sup;
}

std::vector<child_info> fixture::children(const caf::actor& sup) {
  auto result = call<std::vector<child_info>>(sup, which_children_atom::value);
  if (!result)
    BOOST_FAIL("which_children failed: " << render(result.error()));
  return *result;
}

caf::actor fixture::child(const caf::actor& sup, const std::string& id) {
  for (auto& info : children(sup))
    if (info.id == id)
      return info.actor;
  return {};
}

std::vector<std::string> fixture::running_ids(const caf::actor& sup) {
  std::vector<std::string> result;
  for (auto& info : children(sup))
    if (info.status == child_info::state::running)
      result.push_back(info.id);
  return result;
}

void fixture::crash(const caf::actor& who, caf::error reason) {
  BOOST_REQUIRE(who);
  if (!reason)
    BOOST_FAIL("crash needs an abnormal reason: a normal exit is the actor's own quit");
  self->send_exit(who, std::move(reason));
  run();
}

caf::actor fixture::await_restart(const caf::actor& sup, const std::string& id,
                                  const caf::actor& old) {
  run();
  auto now = child(sup, id);
  if (!now || now == old)
    BOOST_FAIL("child \"" << id << "\" did not come back");
  return now;
}

caf::actor fixture::await_name(const registry& names, const std::string& name,
                               const caf::actor& old) {
  run();
  auto now = names.whereis(name);
  if (!now || *now == old)
    BOOST_FAIL("nobody took \"" << name << "\" again");
  return *now;
}

bool fixture::is_dead(const caf::actor& who) {
  return caf::actor_cast<caf::abstract_actor*>(who)->getf(caf::abstract_actor::is_terminated_flag);
}

report fixture::first_report(report_kind kind) {
  std::lock_guard<std::mutex> guard{reports_mtx_};
  for (auto& r : reports)
    if (r.kind == kind)
      return r;
  BOOST_FAIL("no " << to_string(kind) << " report");
  return {};
}

std::vector<std::string> fixture::take_reports() {
  std::lock_guard<std::mutex> guard{reports_mtx_};
  std::vector<std::string> result;
  for (auto& r : reports)
    result.push_back(std::string{to_string(r.kind)} + ":" + r.child_id);
  reports.clear();
  return result;
}

} // namespace kintsugi::testing
