// W4, the term store against ETS (shared/peers/otp/README.md: W4a set,
// W4b ordered_set, W4c bag, W4d concurrency), with the same sizes, key
// orders and op mixes, and the same work on two references: standard
// containers under one std::shared_mutex, and Abseil's containers used from
// one thread with no lock at all (the ceiling for single-threaded work).
// Random keys are made before the timed region, as the peer does.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <absl/container/btree_map.h>
#include <absl/container/flat_hash_map.h>
#include <caf/all.hpp>

#include "bench_support.hpp"
#include "kintsugi/ets/ets.hpp"

namespace kintsugi::bench {

namespace {

using key = int64_t;

std::vector<key> random_keys(uint64_t seed, std::size_t count, std::size_t range) {
  std::mt19937_64 gen{seed};
  std::uniform_int_distribution<key> dist{0, static_cast<key>(range) - 1};
  std::vector<key> out(count);
  for (auto& k : out)
    k = dist(gen);
  return out;
}

// -- the stores, behind one shape: insert(k, v), find(k) -> objects seen --------

// A Kintsugi table.
template <class Table>
struct kintsugi_store {
  Table table;
  void insert(key k, key v) {
    table.insert(k, v);
  }
  // How many objects the lookup returned, and whether they were right.
  std::size_t find(key k, bool& ok) {
    auto hit = *table.lookup(k);
    if constexpr (Table::storage_kind == ets::kind::bag) {
      return hit.size();
    } else {
      ok &= hit && *hit == k;
      return hit ? 1 : 0;
    }
  }
  std::size_t size() {
    return *table.size();
  }
};

// A standard container under one std::shared_mutex.
template <class Map>
struct locked_store {
  std::shared_mutex mtx;
  Map map;
  void insert(key k, key v) {
    std::unique_lock<std::shared_mutex> guard{mtx};
    if constexpr (std::is_same_v<typename Map::mapped_type, key>)
      map.insert_or_assign(k, v);
    else
      map[k].push_back(v);
  }
  std::size_t find(key k, bool& ok) {
    std::shared_lock<std::shared_mutex> guard{mtx};
    auto i = map.find(k);
    if (i == map.end())
      return 0;
    if constexpr (std::is_same_v<typename Map::mapped_type, key>) {
      ok &= i->second == k;
      return 1;
    } else {
      auto copy = i->second; // a lookup hands out a copy, as ETS does
      return copy.size();
    }
  }
  std::size_t size() {
    if constexpr (std::is_same_v<typename Map::mapped_type, key>) {
      return map.size();
    } else {
      std::size_t n = 0;
      for (auto& entry : map)
        n += entry.second.size();
      return n;
    }
  }
};

// The ceiling: a container from one thread, no lock, no checks.
template <class Map>
struct plain_store : locked_store<Map> {
  void insert(key k, key v) {
    if constexpr (std::is_same_v<typename Map::mapped_type, key>)
      this->map.insert_or_assign(k, v);
    else
      this->map[k].push_back(v);
  }
  std::size_t find(key k, bool& ok) {
    auto i = this->map.find(k);
    if (i == this->map.end())
      return 0;
    if constexpr (std::is_same_v<typename Map::mapped_type, key>) {
      ok &= i->second == k;
      return 1;
    } else {
      auto copy = i->second;
      return copy.size();
    }
  }
};

// W4a, W4b, W4c on one store: insert {key_of(I), I} for I = 0..N-1, then a
// lookup for each of `keys`, each expected to return `per_key` objects.
template <class Store, class KeyOf>
void insert_then_lookup(caf::actor_system& sys, const char* workload, const char* table,
                        const char* peer, Store& store, std::size_t n, KeyOf key_of,
                        const std::vector<key>& keys, std::size_t per_key) {
  auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i)
    store.insert(key_of(static_cast<key>(i)), static_cast<key>(i));
  auto insert_ns = ns_since(t0);
  bool ok = true;
  std::size_t found = 0;
  auto t1 = clock_type::now();
  for (auto k : keys)
    found += store.find(k, ok);
  auto lookup_ns = ns_since(t1);
  if (!ok || found != keys.size() * per_key || store.size() != n) {
    progress(fmt::format("{} ({}): wrong results", workload, peer));
    std::exit(1);
  }
  json_line line{workload, sys, peer};
  line.add_str("table", table)
    .add("insert_ops_per_s", static_cast<double>(n) / (insert_ns / 1e9))
    .add("lookup_ops_per_s", static_cast<double>(keys.size()) / (lookup_ns / 1e9))
    .add("n", n);
  line.print();
}

// The owner of the benchmark's tables: idle.
caf::behavior owner_actor() {
  return {[](caf::ok_atom) {}};
}

caf::local_actor* as_local(const caf::actor& x) {
  return dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(x));
}

constexpr const char* std_peer = "std-shared_mutex";
constexpr const char* absl_peer = "absl-single-thread";

void run_simple(caf::actor_system& sys, const caf::actor& owner, std::size_t n) {
  auto keys = random_keys(1, n, n);
  auto same = [](key i) { return i; };
  {
    kintsugi_store<ets::set<key, key>> s{*ets::set<key, key>::create(as_local(owner))};
    insert_then_lookup(sys, "W4a", "set", "kintsugi", s, n, same, keys, 1);
    s.table.destroy();
    locked_store<std::unordered_map<key, key>> l;
    insert_then_lookup(sys, "W4a", "set", std_peer, l, n, same, keys, 1);
    plain_store<absl::flat_hash_map<key, key>> p;
    insert_then_lookup(sys, "W4a", "set", absl_peer, p, n, same, keys, 1);
  }
  {
    kintsugi_store<ets::ordered_set<key, key>> s{
      *ets::ordered_set<key, key>::create(as_local(owner))};
    insert_then_lookup(sys, "W4b", "ordered_set", "kintsugi", s, n, same, keys, 1);
    s.table.destroy();
    locked_store<std::map<key, key>> l;
    insert_then_lookup(sys, "W4b", "ordered_set", std_peer, l, n, same, keys, 1);
    plain_store<absl::btree_map<key, key>> p;
    insert_then_lookup(sys, "W4b", "ordered_set", absl_peer, p, n, same, keys, 1);
  }
  {
    auto nk = n / 10;
    auto bag_keys = random_keys(7, n, nk);
    auto rem = [nk](key i) { return i % static_cast<key>(nk); };
    kintsugi_store<ets::bag<key, key>> s{*ets::bag<key, key>::create(as_local(owner))};
    insert_then_lookup(sys, "W4c", "bag", "kintsugi", s, n, rem, bag_keys, 10);
    s.table.destroy();
    locked_store<std::unordered_map<key, std::vector<key>>> l;
    insert_then_lookup(sys, "W4c", "bag", std_peer, l, n, rem, bag_keys, 10);
    plain_store<absl::flat_hash_map<key, std::vector<key>>> p;
    insert_then_lookup(sys, "W4c", "bag", absl_peer, p, n, rem, bag_keys, 10);
  }
}

// -- W4d: the op mix from P workers at once -----------------------------------------

// An op stream: k >= 0 looks k up, k < 0 inserts -k - 1 (the peer's coding).
std::vector<key> op_stream(uint64_t seed, std::size_t n) {
  std::mt19937_64 gen{seed * 4242 + 42};
  std::uniform_int_distribution<int> tenth{1, 10};
  std::uniform_int_distribution<key> any{0, static_cast<key>(n) - 1};
  std::vector<key> ops(n);
  for (auto& op : ops)
    op = tenth(gen) == 1 ? -any(gen) - 1 : any(gen);
  return ops;
}

template <class Store>
std::size_t run_ops(Store& store, const std::vector<key>& ops) {
  bool ok = true;
  std::size_t found = 0;
  for (auto op : ops) {
    if (op >= 0)
      found += store.find(op, ok);
    else
      store.insert(-op - 1, -op - 1);
  }
  return ok ? found : 0;
}

void emit_w4d(caf::actor_system& sys, const char* peer, std::size_t procs, std::size_t n,
              double ns) {
  json_line line{procs == 2 ? "W4d" : "W4d_1proc", sys, peer};
  line.add_str("table", "set_public_rc_wc")
    .add("procs", procs)
    .add("ops_per_proc", n)
    .add("total_ops_per_s", static_cast<double>(procs * n) / (ns / 1e9))
    .add("lookup_fraction", 0.9);
  line.print();
}

// Kintsugi's side runs the workers as actors.
caf::behavior mixer(caf::event_based_actor* self, ets::set<key, key> table,
                    std::shared_ptr<const std::vector<key>> ops, caf::actor done) {
  return {[=](caf::ok_atom) mutable {
    kintsugi_store<ets::set<key, key>> store{table};
    self->send(done, run_ops(store, *ops));
    self->quit();
  }};
}

void run_concurrent(caf::actor_system& sys, const caf::actor& owner, std::size_t n) {
  ets::table_options opts;
  opts.access = ets::protection::public_access;
  opts.read_concurrency = true;
  opts.write_concurrency = true;
  auto table = *ets::set<key, key>::create(as_local(owner), opts);
  for (std::size_t k = 0; k < n; ++k)
    table.insert(static_cast<key>(k), static_cast<key>(k));
  locked_store<std::unordered_map<key, key>> locked;
  for (std::size_t k = 0; k < n; ++k)
    locked.insert(static_cast<key>(k), static_cast<key>(k));
  for (std::size_t procs : {2, 1}) {
    std::vector<std::shared_ptr<const std::vector<key>>> streams;
    for (std::size_t p = 1; p <= procs; ++p)
      streams.push_back(std::make_shared<const std::vector<key>>(op_stream(p, n)));
    auto expected_lookups = [&] {
      std::size_t x = 0;
      for (auto& s : streams)
        for (auto op : *s)
          x += op >= 0 ? 1 : 0;
      return x;
    }();
    {
      caf::scoped_actor self{sys};
      std::vector<caf::actor> workers;
      for (auto& s : streams)
        workers.push_back(sys.spawn(mixer, table, s, caf::actor{self}));
      auto t0 = clock_type::now();
      for (auto& w : workers)
        self->send(w, caf::ok_atom::value);
      std::size_t found = 0;
      for (std::size_t i = 0; i < procs; ++i)
        self->receive([&](std::size_t x) { found += x; });
      auto ns = ns_since(t0);
      if (found != expected_lookups) {
        progress("W4d (kintsugi): wrong results");
        std::exit(1);
      }
      emit_w4d(sys, "kintsugi", procs, n, ns);
    }
    {
      std::atomic<bool> go{false};
      std::atomic<std::size_t> found{0};
      std::vector<std::thread> threads;
      for (auto& s : streams)
        threads.emplace_back([&, s] {
          while (!go.load(std::memory_order_acquire))
            std::this_thread::yield();
          found += run_ops(locked, *s);
        });
      auto t0 = clock_type::now();
      go.store(true, std::memory_order_release);
      for (auto& th : threads)
        th.join();
      auto ns = ns_since(t0);
      if (found != expected_lookups) {
        progress("W4d (std): wrong results");
        std::exit(1);
      }
      emit_w4d(sys, std_peer, procs, n, ns);
    }
  }
  table.destroy();
}

} // namespace

void run_w4(caf::actor_system& sys) {
  auto n = env_or("W4_N", 1000000);
  progress(fmt::format("W4 (N={})", n));
  auto owner = sys.spawn(owner_actor);
  run_simple(sys, owner, n);
  run_concurrent(sys, owner, n);
  caf::anon_send_exit(owner, caf::exit_reason::user_shutdown);
}

} // namespace kintsugi::bench
