// The chaos soak: a supervision tree of every strategy, three supervisor
// levels deep, with static and dynamic children, registered names, a term-
// store table with an heir and a durable table, under random failures. A
// model of OTP's rules predicts, after every fault, which children must run,
// which must be new actors and which must be the same ones, and when a
// supervisor must give up; the soak compares the real tree with it.
//
//   root            one_for_one
//   ├─ ofa          one_for_all:  a1 a2 a3
//   ├─ rfo          rest_for_one: r1 (named), r2 (transient), r3 (hangs on shutdown)
//   ├─ ofo          one_for_one:  o1 (temporary), leaf, o2 (named)
//   │  └─ leaf      one_for_all:  l1 l2
//   ├─ dyn          dynamic:      d1, d2, ... started and stopped at run time
//   └─ store        one_for_one:  keeper (named; the table's heir), counter
//                                 (owns the table), writer (a durable table)
//
// Faults: crashes with random reasons (an error, a kill, an exception in a
// handler, a normal end), kills of supervisors, start failures, bursts that
// exceed a random supervisor's intensity (the root's included: the tree is
// then built again), and virtual time passing between them.
//
// Checked after every fault, once everything has settled: the tree has the
// shape the model predicts (which implies it converged back where intensity
// allowed), exactly the predicted actors are new, a supervisor gave up
// exactly when the model says (intensity reports counted), the actor count
// matches (no leak), the registry names exactly the running named children,
// the counter's rows are all there unless their heir was gone, and the
// durable table holds every acknowledged write, also after the whole tree
// ended and the file is opened again.
//
// Runs on CAF's deterministic scheduler: a seed replays a run exactly.
//   build/test/test/chaos_tests --run_test=chaos_soak -- --seed 7 --steps 20000

#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <set>

#include <unistd.h>

#include "../ets/table_keeper.hpp"
#include "fixture.hpp"
#include "kintsugi/ets/durable.hpp"
#include "kintsugi/ets/set.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

using incr_atom = caf::atom_constant<caf::atom("incr")>;
using rows_atom = caf::atom_constant<caf::atom("rows")>;
using write_atom = caf::atom_constant<caf::atom("write")>;

using counts = ets::set<std::string, int>;
using journal = ets::durable_set<int64_t, int64_t>;
using time_point = caf::actor_clock::time_point;

constexpr auto period = 5500ms; // whole seconds pass between faults: never on an edge

// -- the tree, as a description both the real specs and the model come from ----

enum class strategy_kind { worker, one_for_one, one_for_all, rest_for_one, dynamic };
enum class role { plain, stubborn, keeper, counter, writer };

struct shape {
  std::string id;
  strategy_kind strategy = strategy_kind::worker;
  restart_type restart = restart_type::permanent;
  int intensity = 0;
  role what = role::plain;
  bool named = false;
  std::vector<shape> children;
};

shape worker_shape(std::string id, restart_type r = restart_type::permanent,
                   role what = role::plain, bool named = false) {
  return {std::move(id), strategy_kind::worker, r, 0, what, named, {}};
}

shape sup_shape(std::string id, strategy_kind s, int intensity, std::vector<shape> children = {}) {
  return {std::move(id), s,     restart_type::permanent, intensity,
          role::plain,   false, std::move(children)};
}

const shape& tree() {
  static const shape root
    = sup_shape("root", strategy_kind::one_for_one, 3,
                {sup_shape("ofa", strategy_kind::one_for_all, 2,
                           {worker_shape("a1"), worker_shape("a2"), worker_shape("a3")}),
                 sup_shape("rfo", strategy_kind::rest_for_one, 2,
                           {worker_shape("r1", restart_type::permanent, role::plain, true),
                            worker_shape("r2", restart_type::transient),
                            worker_shape("r3", restart_type::permanent, role::stubborn)}),
                 sup_shape("ofo", strategy_kind::one_for_one, 3,
                           {worker_shape("o1", restart_type::temporary),
                            sup_shape("leaf", strategy_kind::one_for_all, 2,
                                      {worker_shape("l1"), worker_shape("l2")}),
                            worker_shape("o2", restart_type::permanent, role::plain, true)}),
                 sup_shape("dyn", strategy_kind::dynamic, 3),
                 sup_shape("store", strategy_kind::one_for_one, 3,
                           {worker_shape("keeper", restart_type::permanent, role::keeper, true),
                            worker_shape("counter", restart_type::permanent, role::counter),
                            worker_shape("writer", restart_type::permanent, role::writer)})});
  return root;
}

// -- the actors -------------------------------------------------------------------------

// What the soak injects into starts: the next starts of a child that fail.
struct start_faults {
  std::map<std::string, int> failing;
};

// The heir of the counter's table: keeps it while the counter is down.
caf::behavior keeper(caf::stateful_actor<table_keeper_state<counts>>* self) {
  return table_keeper<counts>(self).or_else(worker(self));
}

// Counts in a table whose heir is the keeper; takes it back after a restart.
struct counter_state {
  counts table;
};

caf::behavior counter(caf::stateful_actor<counter_state>* self, std::shared_ptr<registry> names) {
  auto heir = names->whereis("keeper");
  auto create = [=] {
    ets::table_options opts;
    if (heir)
      opts.heir = *heir;
    self->state.table = *counts::create(self, opts);
  };
  if (heir)
    self->request(*heir, caf::infinite, claim_atom::value).then([=](bool given) {
      if (!given)
        create(); // else the table arrives as a transfer
    });
  else
    create();
  return caf::message_handler{
    [=](ets::transfer& t) {
      if (auto table = counts::adopt(self, t))
        self->state.table = *table;
    },
    [=](incr_atom, const std::string& key) -> caf::result<int> {
      if (!self->state.table)
        return caf::make_error(caf::sec::runtime_error, "the counter has no table yet");
      auto n = self->state.table.update_counter(key, 1);
      if (!n)
        return n.error();
      return *n;
    },
    [=](rows_atom) {
      return *self->state.table.foldl(std::map<std::string, int>{},
                                      [](auto acc, const std::string& k, int v) {
                                        acc.emplace(k, v);
                                        return acc;
                                      });
    },
  }
    .or_else(worker(self));
}

// Writes keys to a durable table; a write is acknowledged once on disk.
struct writer_state {
  journal table;
};

caf::behavior writer(caf::stateful_actor<writer_state>* self, std::string path) {
  auto opened = journal::open(path);
  if (!opened) {
    self->quit(opened.error());
    return {};
  }
  self->state.table = std::move(*opened);
  return caf::message_handler{
    [=](write_atom, int64_t key) -> caf::result<caf::ok_atom> {
      if (auto err = self->state.table.insert(key, key))
        return err;
      return caf::ok_atom::value;
    },
    [=](caf::get_atom) { return *self->state.table.size(); },
    [=](rows_atom) {
      return *self->state.table.foldl(std::set<int64_t>{}, [](auto acc, int64_t k, int64_t) {
        acc.insert(k);
        return acc;
      });
    },
  }
    .or_else(worker(self));
}

struct environment {
  std::shared_ptr<start_faults> faults = std::make_shared<start_faults>();
  std::shared_ptr<registry> names = std::make_shared<registry>();
  std::string journal_path;
  report_sink reports;
};

child_spec spec_of(const shape& s, const environment& env) {
  auto sup_flags = [&] {
    supervisor_flags f;
    f.strategy = s.strategy == strategy_kind::one_for_all    ? one_for_all()
                 : s.strategy == strategy_kind::rest_for_one ? rest_for_one()
                                                             : one_for_one();
    f.intensity = s.intensity;
    f.period = period;
    f.name = s.id;
    f.reports = env.reports;
    return f;
  };
  if (s.strategy == strategy_kind::dynamic) {
    dynamic_supervisor_flags f;
    f.intensity = s.intensity;
    f.period = period;
    f.name = s.id;
    f.reports = env.reports;
    return dynamic_supervisor_spec(s.id, f);
  }
  if (s.strategy != strategy_kind::worker) {
    std::vector<child_spec> children;
    for (auto& c : s.children)
      children.push_back(spec_of(c, env));
    return supervisor_spec(s.id, sup_flags(), std::move(children));
  }
  child_spec spec;
  spec.id = s.id;
  spec.restart = s.restart;
  spec.start = [id = s.id, what = s.what, env](start_context& ctx) -> start_result {
    auto& failing = env.faults->failing[id];
    if (failing > 0) {
      --failing;
      return caf::make_error(caf::sec::runtime_error, "injected start failure of " + id);
    }
    switch (what) {
      case role::stubborn:
        return ctx.spawn(stubborn_worker);
      case role::keeper:
        return ctx.spawn(keeper);
      case role::counter:
        return ctx.spawn(counter, env.names);
      case role::writer:
        return ctx.spawn(writer, env.journal_path);
      case role::plain:
        break;
    }
    return ctx.spawn(worker);
  };
  // Short, so that the virtual time a stop takes stays far from any edge of
  // an intensity period; r3 (stubborn) is killed when it runs out.
  spec.shutdown = shutdown_policy::timeout(10ms);
  if (s.named)
    spec.name = registered_name{env.names, s.id};
  return spec;
}

// -- the model: what OTP's rules say the tree looks like ------------------------------

struct node {
  const shape* blueprint = nullptr; // nullptr: a dynamic child
  std::string id;
  restart_type restart = restart_type::permanent;
  strategy_kind strategy = strategy_kind::worker;
  int intensity = 0;
  std::deque<time_point> restarts;
  std::vector<std::unique_ptr<node>> children;
  node* parent = nullptr;
  bool running = true;
  bool fresh = true; // (re)started since the last check

  bool supervisor() const {
    return strategy != strategy_kind::worker;
  }
};

std::unique_ptr<node> build(const shape& s, node* parent) {
  auto n = std::make_unique<node>();
  n->blueprint = &s;
  n->id = s.id;
  n->restart = s.restart;
  n->strategy = s.strategy;
  n->intensity = s.intensity;
  n->parent = parent;
  for (auto& c : s.children)
    n->children.push_back(build(c, n.get()));
  return n;
}

std::string path_of(const node& n) {
  return n.parent ? path_of(*n.parent) + "/" + n.id : n.id;
}

template <class F>
void each(node& n, F f) {
  f(n);
  for (auto& c : n.children)
    each(*c, f);
}

struct model {
  std::unique_ptr<node> root = build(tree(), nullptr);
  std::shared_ptr<start_faults> faults;
  time_point now;
  std::size_t give_ups = 0;
  std::size_t restarts = 0;
  bool root_gone = false;

  // OTP's add_restart: a restart counts while it lies less than a period ago.
  bool record(node& sup) {
    sup.restarts.push_back(now);
    while (now - sup.restarts.front() >= period)
      sup.restarts.pop_front();
    return static_cast<int>(sup.restarts.size()) <= sup.intensity;
  }

  int in_window(const node& sup) const {
    int n = 0;
    for (auto t : sup.restarts)
      n += now - t < period;
    return n;
  }

  static std::size_t index_of(const node& n) {
    auto& siblings = n.parent->children;
    for (std::size_t i = 0; i < siblings.size(); ++i)
      if (siblings[i].get() == &n)
        return i;
    throw std::logic_error("not a child of its parent");
  }

  // `child` ended on its own (crashed, was killed, or ended normally).
  void ended(node& child, bool abnormal) {
    auto& sup = *child.parent;
    auto i = index_of(child);
    each(child, [](node& x) { x.running = false; });
    if (child.restart == restart_type::temporary
        || (child.restart == restart_type::transient && !abnormal
            && sup.strategy == strategy_kind::dynamic)) {
      sup.children.erase(sup.children.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
    if (child.restart == restart_type::transient && !abnormal)
      return; // kept, not running
    if (!record(sup))
      return give_up(sup);
    restart_from(sup, i);
  }

  void restart_from(node& sup, std::size_t i) {
    auto* crashed = sup.children[i].get();
    std::vector<node*> set;
    for (std::size_t j = 0; j < sup.children.size(); ++j)
      if (j == i || sup.strategy == strategy_kind::one_for_all
          || (sup.strategy == strategy_kind::rest_for_one && j > i))
        set.push_back(sup.children[j].get());
    int failures = 0;
    for (auto* x : set) {
      // One_for_all and rest_for_one stop the others; a temporary one is
      // then forgotten, every other one starts again.
      if (x->restart == restart_type::temporary && x != crashed) {
        auto at = index_of(*x);
        sup.children.erase(sup.children.begin() + static_cast<std::ptrdiff_t>(at));
        continue;
      }
      failures += faults->failing[x->id];
      restart(*x);
    }
    // OTP's try_again_restart: each failed start counts as a restart.
    for (int k = 0; k < failures; ++k)
      if (!record(sup))
        return give_up(sup);
  }

  void restart(node& x) {
    ++restarts;
    if (!x.blueprint) { // a dynamic child
      x.running = x.fresh = true;
      return;
    }
    auto replacement = build(*x.blueprint, x.parent);
    for (auto& c : x.parent->children)
      if (c.get() == &x) {
        c = std::move(replacement);
        return;
      }
  }

  void give_up(node& sup) {
    ++give_ups;
    each(sup, [](node& x) { x.running = false; });
    if (!sup.parent) {
      root_gone = true;
      return;
    }
    ended(sup, true); // its end is an abnormal exit to its own supervisor
  }
};

// -- the soak -------------------------------------------------------------------------

struct options {
  uint64_t seed = test_option("seed", 1);
  std::size_t steps = test_option("steps", 5000);
};

struct tally {
  std::map<std::string, std::size_t> injected;
  std::size_t steps = 0;
  std::size_t checks = 0;
  std::size_t epochs = 1;
};

struct soak : fixture {
  options opts;
  std::mt19937_64 rng{opts.seed};
  environment env;
  model m;
  caf::actor root;
  std::map<std::string, caf::actor> seen; // path -> actor, at the last check
  std::map<std::string, int> expected_counts;
  bool heir_alive = true;
  std::set<int64_t> acknowledged;
  std::size_t reports_read = 0;
  std::size_t intensity_reports = 0;
  int64_t next_key = 0;
  int next_dynamic = 0;
  tally t;

  soak() {
    env.journal_path = "/tmp/kintsugi-chaos-" + std::to_string(::getpid()) + ".table";
    std::remove(env.journal_path.c_str());
    std::remove((env.journal_path + "-lock").c_str());
    env.reports = capture_reports();
    m.faults = env.faults;
  }

  ~soak() {
    std::remove(env.journal_path.c_str());
    std::remove((env.journal_path + "-lock").c_str());
  }

  std::size_t pick(std::size_t n) {
    return static_cast<std::size_t>(rng() % n);
  }

  void start_tree() {
    std::vector<child_spec> children;
    for (auto& c : tree().children)
      children.push_back(spec_of(c, env));
    supervisor_flags flags;
    flags.strategy = one_for_one();
    flags.intensity = tree().intensity;
    flags.period = period;
    flags.name = "root";
    flags.reports = env.reports;
    root = spawn_sup(flags, std::move(children));
    m.root = build(tree(), nullptr);
    m.root_gone = false;
    seen.clear();
    settle();
  }

  // Runs every job and fires every timer (shutdown timeouts) until idle.
  void settle() {
    do
      run();
    while (sched.trigger_timeout());
    run();
  }

  std::map<std::string, caf::actor> observe() {
    std::map<std::string, caf::actor> out;
    std::function<void(const caf::actor&, const std::string&)> walk = [&](const caf::actor& sup,
                                                                          const std::string& path) {
      for (auto& info : children(sup)) {
        BOOST_REQUIRE_MESSAGE(info.status != child_info::state::restarting,
                              path << "/" << info.id << " still restarting after settling");
        if (info.status != child_info::state::running)
          continue;
        out[path + "/" + info.id] = info.actor;
        if (info.type == child_type::supervisor)
          walk(info.actor, path + "/" + info.id);
      }
    };
    walk(root, "root");
    return out;
  }

  // The whole comparison of the real tree with the model.
  void check(const std::string& after) {
    ++t.checks;
    if (m.root_gone) {
      BOOST_REQUIRE_MESSAGE(is_dead(root), after << ": the root should have given up");
      BOOST_REQUIRE_MESSAGE(running_actors() == 0,
                            after << ": " << running_actors() << " actors outlived the tree");
      BOOST_REQUIRE_EQUAL(env.names->size(), 0u);
      return;
    }
    BOOST_REQUIRE_MESSAGE(!is_dead(root), after << ": the root ended, the model says it runs");
    auto now = observe();
    std::size_t expected_actors = 1;
    std::size_t expected_names = 0;
    each(*m.root, [&](node& n) {
      if (!n.parent)
        return;
      auto path = path_of(n);
      auto it = now.find(path);
      if (!n.running) {
        BOOST_REQUIRE_MESSAGE(it == now.end(), after << ": " << path << " runs, should not");
        return;
      }
      ++expected_actors;
      BOOST_REQUIRE_MESSAGE(it != now.end(), after << ": " << path << " does not run");
      auto before = seen.find(path);
      if (n.fresh)
        BOOST_REQUIRE_MESSAGE(before == seen.end() || before->second != it->second,
                              after << ": " << path << " should be a new actor");
      else
        BOOST_REQUIRE_MESSAGE(before != seen.end() && before->second == it->second,
                              after << ": " << path << " should be the same actor");
      if (n.blueprint && n.blueprint->named) {
        ++expected_names;
        auto named = env.names->whereis(n.id);
        BOOST_REQUIRE_MESSAGE(named && *named == it->second,
                              after << ": the name " << n.id << " is not its running actor");
      }
      n.fresh = false;
    });
    BOOST_REQUIRE_EQUAL(now.size(), expected_actors - 1);
    BOOST_REQUIRE_MESSAGE(running_actors() == expected_actors, after << ": " << running_actors()
                                                                     << " actors run, the tree has "
                                                                     << expected_actors);
    BOOST_REQUIRE_EQUAL(env.names->size(), expected_names);
    for (; reports_read < reports.size(); ++reports_read)
      intensity_reports += reports[reports_read].kind == report_kind::intensity_reached;
    BOOST_REQUIRE_MESSAGE(intensity_reports == m.give_ups,
                          after << ": " << intensity_reports
                                << " supervisors gave up, the model says " << m.give_ups);
    auto writer = seen.find("root/store/writer");
    auto writer_is_new = writer == seen.end() || writer->second != now.at("root/store/writer");
    seen = std::move(now);
    check_tables(after, writer_is_new);
  }

  node* find(const std::string& path) {
    node* found = nullptr;
    each(*m.root, [&](node& n) {
      if (path_of(n) == path)
        found = &n;
    });
    return found;
  }

  // The durable table is read whole when its writer is new (a restart is
  // when a write could be lost), else only counted, so that long soaks stay
  // linear in their length.
  void check_tables(const std::string& after, bool writer_is_new) {
    auto rows = call<std::map<std::string, int>>(seen.at("root/store/counter"), rows_atom::value);
    BOOST_REQUIRE(rows);
    BOOST_REQUIRE_MESSAGE(*rows == expected_counts, after << ": the counter's rows differ");
    auto& writer = seen.at("root/store/writer");
    if (writer_is_new) {
      auto keys = call<std::set<int64_t>>(writer, rows_atom::value);
      BOOST_REQUIRE(keys);
      BOOST_REQUIRE_MESSAGE(*keys == acknowledged, after << ": acknowledged durable writes lost");
    } else {
      auto n = call<std::size_t>(writer, caf::get_atom::value);
      BOOST_REQUIRE(n);
      BOOST_REQUIRE_MESSAGE(*n == acknowledged.size(), after << ": durable writes lost");
    }
  }

  // The term store's rule: a table outlives its owner only through a live
  // heir. The model follows the keeper (the heir) and the counter (owner).
  void follow_the_heir() {
    auto* counter_node = find("root/store/counter");
    auto* keeper_node = find("root/store/keeper");
    if (counter_node->fresh) {
      if (keeper_node->fresh || !heir_alive)
        expected_counts.clear();
      heir_alive = true;
    } else if (keeper_node->fresh) {
      heir_alive = false;
    }
  }

  std::vector<node*> running_nodes(bool supervisors) {
    std::vector<node*> out;
    each(*m.root, [&](node& n) {
      if (n.parent && n.running && n.supervisor() == supervisors)
        out.push_back(&n);
    });
    return out;
  }

  // The model learns of an end at the moment it is injected.
  void end_in_model(node& n, bool abnormal) {
    m.now = sched.clock().now();
    m.ended(n, abnormal);
  }

  // Crashes `n` in one of the ways a child ends; returns what it did.
  std::string crash(node& n) {
    auto who = seen.at(path_of(n));
    switch (pick(n.supervisor() ? 1 : 4)) {
      case 0:
        self->send_exit(who, caf::exit_reason::kill);
        end_in_model(n, true);
        return "kill";
      case 1:
        caf::anon_send(who, crash_atom::value, caf::make_error(caf::sec::runtime_error, "chaos"));
        end_in_model(n, true);
        return "crash with an error";
      case 2:
        caf::anon_send(who, throw_atom::value);
        end_in_model(n, true);
        return "exception in a handler";
      default:
        caf::anon_send(who, crash_atom::value, caf::error{});
        end_in_model(n, false);
        return "normal end";
    }
  }

  void step() {
    ++t.steps;
    auto roll = pick(100);
    std::string what;
    if (roll < 40) {
      auto workers = running_nodes(false);
      what = crash(*workers[pick(workers.size())]);
    } else if (roll < 45) {
      auto sups = running_nodes(true);
      what = "kill a supervisor";
      crash(*sups[pick(sups.size())]);
    } else if (roll < 53) {
      what = inject_start_failures();
    } else if (roll < 58) {
      what = burst();
    } else if (roll < 68) {
      what = start_dynamic();
    } else if (roll < 73) {
      what = stop_dynamic();
    } else if (roll < 88) {
      auto key = "k" + std::to_string(pick(5));
      auto n = call<int>(seen.at("root/store/counter"), incr_atom::value, key);
      BOOST_REQUIRE(n);
      BOOST_REQUIRE_EQUAL(*n, ++expected_counts[key]);
      what = "count in the table";
    } else {
      auto key = next_key++;
      BOOST_REQUIRE(call<caf::ok_atom>(seen.at("root/store/writer"), write_atom::value, key));
      acknowledged.insert(key);
      what = "durable write";
    }
    if (what.empty())
      return;
    ++t.injected[what];
    settle();
    follow_the_heir();
    check("step " + std::to_string(t.steps) + " (" + what + ")");
    if (m.root_gone) {
      ++t.epochs;
      heir_alive = true;
      expected_counts.clear();
      start_tree();
      check("the tree built again");
    }
    if (pick(3) == 0)
      sched.advance_time(std::chrono::seconds{1 + pick(3)});
  }

  // The next starts of a worker fail, as many as its supervisor's intensity
  // still allows; then the worker crashes.
  std::string inject_start_failures() {
    auto workers = running_nodes(false);
    auto* n = workers[pick(workers.size())];
    if (n->restart != restart_type::permanent || n->parent->strategy == strategy_kind::dynamic)
      return {};
    m.now = sched.clock().now();
    auto budget = n->parent->intensity - m.in_window(*n->parent) - 1;
    if (budget < 1)
      return {};
    env.faults->failing[n->id] = 1 + static_cast<int>(pick(static_cast<std::size_t>(budget)));
    auto who = seen.at(path_of(*n));
    caf::anon_send(who, crash_atom::value, caf::make_error(caf::sec::runtime_error, "chaos"));
    end_in_model(*n, true);
    return "start failures";
  }

  // Crashes children of one supervisor until it exceeds its intensity.
  std::string burst() {
    auto sups = running_nodes(true);
    sups.push_back(m.root.get());
    auto* sup = sups[pick(sups.size())];
    auto path = path_of(*sup);
    auto gives_up_before = m.give_ups;
    while (m.give_ups == gives_up_before) {
      std::vector<node*> victims;
      for (auto& c : sup->children)
        if (c->running && c->restart != restart_type::temporary)
          victims.push_back(c.get());
      if (victims.empty()) // only before the first crash: restarted children run
        return {};
      auto* victim = victims[pick(victims.size())];
      self->send_exit(seen.at(path_of(*victim)), caf::exit_reason::kill);
      end_in_model(*victim, true);
      settle();
      follow_the_heir();
      if (m.give_ups == gives_up_before)
        check("step " + std::to_string(t.steps) + " (burst at " + path + ")");
    }
    return "burst beyond intensity";
  }

  std::string start_dynamic() {
    auto* dyn = find("root/dyn");
    if (!dyn || !dyn->running)
      return {};
    auto id = "d" + std::to_string(++next_dynamic);
    auto spec = spec_of(worker_shape(id, restart_type::transient), env);
    auto started = call<caf::actor>(seen.at("root/dyn"), start_child_atom::value, spec);
    BOOST_REQUIRE_MESSAGE(started, "start_child on the dynamic supervisor failed");
    auto n = std::make_unique<node>();
    n->id = id;
    n->restart = restart_type::transient;
    n->parent = dyn;
    dyn->children.push_back(std::move(n));
    return "start a dynamic child";
  }

  std::string stop_dynamic() {
    auto* dyn = find("root/dyn");
    if (!dyn || !dyn->running || dyn->children.empty())
      return {};
    auto i = pick(dyn->children.size());
    auto who = seen.at(path_of(*dyn->children[i]));
    auto done = call<caf::unit_t>(seen.at("root/dyn"), terminate_child_atom::value, who);
    BOOST_REQUIRE_MESSAGE(done, "terminate_child on the dynamic supervisor failed");
    dyn->children.erase(dyn->children.begin() + static_cast<std::ptrdiff_t>(i));
    return "stop a dynamic child";
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(chaos_soak, soak)

BOOST_AUTO_TEST_CASE(the_tree_survives_random_faults_as_otp_says_it_should) {
  BOOST_TEST_MESSAGE("chaos soak: seed " << opts.seed << ", " << opts.steps << " steps");
  start_tree();
  check("start");
  for (std::size_t i = 0; i < opts.steps; ++i)
    step();
  self->send_exit(root, caf::exit_reason::user_shutdown);
  settle();
  BOOST_TEST(running_actors() == 0u);
  // Every acknowledged write is in the file, opened afresh.
  auto file = journal::open(env.journal_path);
  BOOST_REQUIRE(file);
  auto keys = file->foldl(std::set<int64_t>{}, [](auto acc, int64_t k, int64_t) {
    acc.insert(k);
    return acc;
  });
  BOOST_REQUIRE(keys);
  BOOST_TEST((*keys == acknowledged));
  file->close();
  std::string summary = "chaos soak, seed " + std::to_string(opts.seed) + ", "
                        + std::to_string(opts.steps) + " steps:";
  for (auto& [what, n] : t.injected)
    summary += " " + std::to_string(n) + " " + what + ",";
  summary += " " + std::to_string(m.restarts) + " restarts and " + std::to_string(m.give_ups)
             + " give-ups predicted and seen, " + std::to_string(t.epochs) + " trees built, "
             + std::to_string(t.checks) + " whole-tree checks passed";
  BOOST_TEST_MESSAGE(summary);
}

BOOST_AUTO_TEST_SUITE_END()
