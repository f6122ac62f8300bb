#include "fixture.hpp"

namespace kintsugi::test {

namespace {

caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
  // Before configure(), which keeps a scheduler that is already chosen.
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return configure(cfg);
}

} // namespace

caf::behavior worker(caf::event_based_actor* self) {
  return {
    [](ping_atom) { return pong_atom::value; },
    [self](crash_atom, caf::error& reason) { self->quit(std::move(reason)); },
    [](throw_atom) -> caf::unit_t { throw std::runtime_error("thrown on request"); },
  };
}

caf::behavior stubborn_worker(caf::event_based_actor* self) {
  self->set_exit_handler([](caf::exit_msg&) {});
  return worker(self);
}

caf::behavior failing_worker(caf::event_based_actor*) {
  throw std::runtime_error("cannot initialise");
}

start_fn failing_start(caf::error reason) {
  return [reason](start_context&) -> start_result { return reason; };
}

start_fn ignoring_start() {
  return [](start_context&) { return start_result::ignore(); };
}

child_spec worker_child(std::string id, restart_type restart) {
  auto spec = worker_spec(std::move(id), worker);
  spec.restart = restart;
  return spec;
}

child_spec logged_child(std::string id, std::shared_ptr<std::vector<std::string>> log,
                        caf::behavior (*fun)(caf::event_based_actor*), bool with_reason) {
  auto spec = worker_child(id);
  spec.start = [id, log, fun, with_reason](start_context& ctx) -> start_result {
    auto actor = ctx.spawn(fun);
    actor->attach_functor([id, log, with_reason](const caf::error& reason) {
      log->push_back(with_reason ? id + ":" + caf::to_string(reason) : id);
    });
    return actor;
  };
  return spec;
}

fixture::fixture()
  : sys(prepare(cfg)),
    sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
    self(sys, true),
    baseline_(sys.registry().running()) {
}

fixture::~fixture() {
  run();
  // CAF counts the fixture's own scoped actor, hidden or not.
  auto leaked = sys.registry().running() - baseline_;
  BOOST_CHECK_MESSAGE(leaked == 0, leaked << " actor(s) outlived the test");
  if (leaked != 0)
    sys.await_actors_before_shutdown(false);
}

supervisor_flags fixture::flags(restart_strategy_ptr strategy, int intensity,
                                std::chrono::milliseconds period) {
  supervisor_flags result;
  result.strategy = std::move(strategy);
  result.intensity = intensity;
  result.period = period;
  result.name = "sup";
  result.reports = [this](const report& r) {
    std::lock_guard<std::mutex> guard{reports_mtx_};
    reports.push_back(r);
  };
  return result;
}

caf::actor fixture::spawn_sup(supervisor_flags flags, std::vector<child_spec> children) {
  auto sup = spawn_supervisor(sys, std::move(flags), std::move(children));
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
  caf::anon_send(who, crash_atom::value, std::move(reason));
  run();
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

caf::actor_system_config& live_fixture::prepare(caf::actor_system_config& cfg) {
  configure(cfg);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return cfg;
}

live_fixture::live_fixture() : sys(prepare(cfg)) {
  flags.reports = null_report_sink();
}

live_fixture::~live_fixture() {
  sys.registry().await_running_count_equal(0);
}

} // namespace kintsugi::test
