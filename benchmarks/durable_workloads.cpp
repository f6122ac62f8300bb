// W6, durable tables against DETS (shared/peers/otp/README.md): a set file
// in /tmp; insert {I, 100 random bytes} for I = 0..N-1 one by one, then
// sync (the insert rate includes the sync: the same durability as DETS,
// data safe after the final sync, so group commits); close; reopen; N
// lookups of random existing keys; the file's size after closing.

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <caf/all.hpp>

#include "bench_support.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/ets/durable.hpp"

namespace kintsugi::bench {

void run_w6(caf::actor_system& sys) {
  auto n = env_or("W6_N", 100000);
  progress(fmt::format("W6 (N={})", n));
  const std::string path = "/tmp/kintsugi_w6.table";
  auto remove = [&] {
    std::remove(path.c_str());
    std::remove((path + "-lock").c_str());
  };
  remove();
  using table = ets::durable_set<int64_t, std::string>;
  std::mt19937_64 gen{456};
  std::uniform_int_distribution<int> byte{0, 255};
  std::vector<std::string> values(n);
  for (auto& v : values) {
    v.resize(100);
    for (auto& c : v)
      c = static_cast<char>(byte(gen));
  }
  std::uniform_int_distribution<int64_t> any{0, static_cast<int64_t>(n) - 1};
  std::vector<int64_t> keys(n);
  for (auto& k : keys)
    k = any(gen);
  ets::durable_options opts;
  opts.durability = ets::durability::group;
  auto fail = [&](const caf::error& err) {
    progress("W6: " + render(err));
    std::exit(1);
  };
  auto t = table::open(path, opts);
  if (!t)
    fail(t.error());
  auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i)
    if (auto err = t->insert(static_cast<int64_t>(i), values[i]))
      fail(err);
  auto t1 = clock_type::now();
  if (auto err = t->sync())
    fail(err);
  auto t2 = clock_type::now();
  if (auto err = t->close())
    fail(err);
  auto t3 = clock_type::now();
  t = table::open(path, opts);
  if (!t)
    fail(t.error());
  auto t4 = clock_type::now();
  for (auto k : keys) {
    auto v = t->lookup(k);
    if (!v || !*v || (*v)->size() != 100)
      fail(make_error(errc::not_found, fmt::format("key {}", k)));
  }
  auto t5 = clock_type::now();
  t->close();
  struct stat st {};
  ::stat(path.c_str(), &st);
  remove();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  json_line line{"W6", sys};
  line.add("insert_ops_per_s", static_cast<double>(n) / (ms(t0, t2) / 1e3))
    .add("sync_ms", ms(t1, t2))
    .add("close_ms", ms(t2, t3))
    .add("reopen_ms", ms(t3, t4))
    .add("lookup_ops_per_s", static_cast<double>(n) / (ms(t4, t5) / 1e3))
    .add("file_bytes", static_cast<std::size_t>(st.st_size))
    .add("value_bytes", std::size_t{100})
    .add("n", n);
  line.print();
}

} // namespace kintsugi::bench
