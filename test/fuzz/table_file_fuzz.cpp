// Fuzzes file2tab, which reads table files written elsewhere. The first
// byte picks the table type (bits 1-2) and the mode (bit 0): the rest of
// the input is either the whole file, or, so that the fuzzer gets past the
// checksum, an object count (8 bytes) and a payload that are written as a
// well-formed file first. Properties: file2tab gives a table or bad_file /
// wrong_type, never a crash, a hang or another error; a table it gives
// survives tab2file and file2tab again unchanged.

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <typeinfo>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "fuzz_target.hpp"
#include "kintsugi/config.hpp"
#include "kintsugi/ets/bag.hpp"
#include "kintsugi/ets/error.hpp"
#include "kintsugi/ets/file.hpp"
#include "kintsugi/ets/ordered_set.hpp"
#include "kintsugi/ets/set.hpp"

namespace {

namespace ets = kintsugi::ets;
using kintsugi::ets::errc;

using table_types
  = std::tuple<ets::set<std::string, int>, ets::ordered_set<int64_t, std::string>,
               ets::bag<std::string, std::vector<std::string>>, ets::duplicate_bag<int, uint8_t>>;

template <class Table>
auto contents(const Table& t) {
  using pair = std::pair<typename Table::key_type, typename Table::object_type>;
  auto all = t.foldl(std::vector<pair>{}, [](std::vector<pair> acc, const auto& k, const auto& v) {
    acc.emplace_back(k, v);
    return acc;
  });
  kintsugi::fuzz::require(static_cast<bool>(all), "foldl failed on a table file2tab made");
  std::sort(all->begin(), all->end());
  return std::move(*all);
}

struct system {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  system() : sys(prepare(cfg)) {
  }
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    return kintsugi::configure(cfg);
  }
};

template <class Table>
void check(std::string_view file, bool wrap) {
  system s;
  auto path = kintsugi::fuzz::scratch_dir() + "/table";
  if (wrap) {
    uint64_t count = 0;
    auto n = std::min(file.size(), sizeof(count));
    std::memcpy(&count, file.data(), n);
    file.remove_prefix(n);
    ets::detail::file_header header{Table::storage_kind, typeid(typename Table::key_type).name(),
                                    typeid(typename Table::object_type).name(), count};
    auto err = ets::detail::write_table_file(s.sys, path, header,
                                             std::vector<char>(file.begin(), file.end()));
    kintsugi::fuzz::require(!err, "cannot write the table file: " + caf::to_string(err));
  } else {
    std::ofstream{path, std::ios::binary | std::ios::trunc}.write(file.data(), file.size());
  }
  caf::scoped_actor self{s.sys, true};
  auto t = ets::file2tab<Table>(self.ptr(), path);
  if (!t) {
    kintsugi::fuzz::require_error_in(
      t.error(), ets::error_category,
      {static_cast<uint8_t>(errc::bad_file), static_cast<uint8_t>(errc::wrong_type)}, "file2tab");
    return;
  }
  auto again = path + "-again";
  auto err = ets::tab2file(*t, again);
  kintsugi::fuzz::require(!err, "tab2file of a loaded table failed: " + caf::to_string(err));
  auto back = ets::file2tab<Table>(self.ptr(), again);
  kintsugi::fuzz::require(static_cast<bool>(back), "a file tab2file wrote does not load");
  kintsugi::fuzz::require(contents(*t) == contents(*back), "tab2file and file2tab lost objects");
}

template <std::size_t... Is>
void dispatch(std::size_t type, std::string_view file, bool wrap, std::index_sequence<Is...>) {
  ((type == Is ? check<std::tuple_element_t<Is, table_types>>(file, wrap) : void()), ...);
}

template <class Table>
void seeds_of(std::size_t type, std::vector<std::string>& out) {
  system s;
  caf::scoped_actor self{s.sys, true};
  auto t = *Table::create(self.ptr());
  for (int i = 0; i < 5; ++i) {
    typename Table::key_type k{};
    typename Table::object_type v{};
    if constexpr (std::is_same_v<decltype(k), std::string>)
      k = "key" + std::to_string(i % 3);
    else
      k = i % 3;
    if constexpr (std::is_same_v<decltype(v), std::string>)
      v = "object " + std::to_string(i);
    else if constexpr (std::is_same_v<decltype(v), std::vector<std::string>>)
      v = {"a", std::to_string(i)};
    else
      v = static_cast<decltype(v)>(i);
    t.insert(k, v);
  }
  auto path = kintsugi::fuzz::scratch_dir() + "/seed";
  ets::tab2file(t, path);
  std::ifstream in{path, std::ios::binary};
  out.push_back(static_cast<char>(type << 1) + std::string{std::istreambuf_iterator<char>{in}, {}});
  // The same objects as a payload to wrap.
  std::vector<char> payload;
  caf::binary_serializer sink{s.sys, payload};
  t.foldl(0, [&](int n, const auto& k, const auto& v) {
    auto key = k;
    auto object = v;
    sink(key, object);
    return n + 1;
  });
  uint64_t count = *t.size();
  std::string wrapped(1, static_cast<char>(type << 1 | 1));
  wrapped.append(reinterpret_cast<const char*>(&count), sizeof(count));
  wrapped.append(payload.begin(), payload.end());
  out.push_back(std::move(wrapped));
}

template <std::size_t... Is>
std::vector<std::string> all_seeds(std::index_sequence<Is...>) {
  std::vector<std::string> out;
  (seeds_of<std::tuple_element_t<Is, table_types>>(Is, out), ...);
  return out;
}

constexpr auto type_count = std::tuple_size_v<table_types>;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::string_view rest{reinterpret_cast<const char*>(data) + 1, size - 1};
  dispatch((data[0] >> 1) % type_count, rest, data[0] & 1, std::make_index_sequence<type_count>{});
  return 0;
}

std::vector<std::string> kintsugi::fuzz::seeds() {
  return all_seeds(std::make_index_sequence<type_count>{});
}
