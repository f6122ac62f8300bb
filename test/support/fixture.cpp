#include "fixture.hpp"

namespace kintsugi::test {

caf::behavior worker(caf::event_based_actor* self) {
  // The exit reason CAF's own handler gives (the exception's text), without
  // the line it prints for each: the chaos soak throws thousands on purpose.
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& e) -> caf::error {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      return caf::make_error(caf::sec::runtime_error, x.what());
    } catch (...) {
      return caf::sec::runtime_error;
    }
  });
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

caf::behavior one_shot(caf::event_based_actor* self) {
  self->send(self, caf::ok_atom::value);
  return {[self](caf::ok_atom) { self->quit(); }};
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

uint64_t test_option(const std::string& name, uint64_t otherwise) {
  auto& suite = boost::unit_test::framework::master_test_suite();
  for (int i = 1; i + 1 < suite.argc; ++i)
    if (suite.argv[i] == "--" + name)
      return std::stoull(suite.argv[i + 1]);
  return otherwise;
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

void fixture::end_normally(const caf::actor& who) {
  BOOST_REQUIRE(who);
  caf::anon_send(who, crash_atom::value, caf::error{});
  run();
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
