// Fuzzes the durable table opener with files as they may be found on disk:
// truncated, corrupted or foreign. The first byte picks the table type; the
// rest is the file. Properties: opening gives a table or bad_file /
// wrong_type; every read and write of a table that opened gives a result
// or bad_file; a write that succeeded reads back; nothing crashes or hangs.

#include <cstdio>
#include <fstream>
#include <iterator>

#include "fuzz_target.hpp"
#include "kintsugi/ets/durable.hpp"
#include "kintsugi/ets/error.hpp"

namespace {

namespace ets = kintsugi::ets;
using kintsugi::ets::errc;

using table_types
  = std::tuple<ets::durable_set<std::string, int>, ets::durable_ordered_set<int64_t, std::string>,
               ets::durable_bag<std::string, std::string>,
               ets::durable_duplicate_bag<int, std::vector<std::string>>>;

constexpr auto type_count = std::tuple_size_v<table_types>;

std::string path() {
  return kintsugi::fuzz::scratch_dir() + "/table";
}

void reset(std::string_view file) {
  std::remove((path() + "-lock").c_str());
  std::ofstream{path(), std::ios::binary | std::ios::trunc}.write(file.data(), file.size());
}

// Whether a call on a table that opened succeeded; the only failure
// allowed is bad_file (corruption found on the way).
bool usable(const caf::error& err, const char* where) {
  kintsugi::fuzz::require_error_in(err, ets::error_category, {static_cast<uint8_t>(errc::bad_file)},
                                   where);
  return !err;
}

template <class T>
bool usable(const caf::expected<T>& x, const char* where) {
  return usable(x ? caf::error{} : x.error(), where);
}

template <class Table>
typename Table::key_type fresh_key() {
  if constexpr (std::is_same_v<typename Table::key_type, std::string>)
    return "fuzz-written";
  else
    return -424242;
}

template <class Table>
typename Table::object_type some_object(int i) {
  using V = typename Table::object_type;
  if constexpr (std::is_same_v<V, std::string>)
    return "object " + std::to_string(i);
  else if constexpr (std::is_same_v<V, std::vector<std::string>>)
    return {"a", std::to_string(i)};
  else
    return i;
}

template <class Table>
void check(std::string_view file) {
  [[maybe_unused]] kintsugi::fuzz::leaks_allowed leaks;
  reset(file);
  ets::durable_options opts;
  opts.durability = ets::durability::group;
  opts.initial_map_size = std::size_t{1} << 20;
  auto t = Table::open(path(), opts);
  if (!t) {
    kintsugi::fuzz::require_error_in(
      t.error(), ets::error_category,
      {static_cast<uint8_t>(errc::bad_file), static_cast<uint8_t>(errc::wrong_type)}, "open");
    return;
  }
  using key_type = typename Table::key_type;
  auto keys = t->foldl(std::vector<key_type>{}, [](auto acc, const key_type& k, const auto&) {
    acc.push_back(k);
    return acc;
  });
  if (usable(keys, "foldl"))
    for (auto& k : *keys)
      usable(t->lookup(k), "lookup");
  if constexpr (Table::ordered) {
    std::size_t walked = 0;
    auto k = t->first();
    while (usable(k, "first/next") && *k && walked <= 1'000'000) {
      ++walked;
      k = t->next(**k);
    }
    if (keys && k)
      kintsugi::fuzz::require(walked == keys->size(), "first/next and foldl disagree");
  }
  auto object = some_object<Table>(7);
  if (usable(t->insert(fresh_key<Table>(), object), "insert")) {
    auto back = t->lookup(fresh_key<Table>());
    if (usable(back, "lookup after insert")) {
      if constexpr (Table::multi)
        kintsugi::fuzz::require(!back->empty() && back->back() == object, "insert lost");
      else
        kintsugi::fuzz::require(*back && **back == object, "insert lost");
    }
  }
  usable(t->close(), "close");
}

template <std::size_t... Is>
void dispatch(std::size_t type, std::string_view file, std::index_sequence<Is...>) {
  ((type == Is ? check<std::tuple_element_t<Is, table_types>>(file) : void()), ...);
}

template <class Table>
void seed_of(std::size_t type, std::vector<std::string>& out) {
  reset({});
  std::remove(path().c_str());
  {
    auto t = *Table::open(path());
    for (int i = 0; i < 5; ++i) {
      if constexpr (std::is_same_v<typename Table::key_type, std::string>)
        t.insert("key" + std::to_string(i % 3), some_object<Table>(i));
      else
        t.insert(i % 3, some_object<Table>(i));
    }
    t.close();
  }
  std::ifstream in{path(), std::ios::binary};
  out.push_back(static_cast<char>(type) + std::string{std::istreambuf_iterator<char>{in}, {}});
}

template <std::size_t... Is>
std::vector<std::string> all_seeds(std::index_sequence<Is...>) {
  std::vector<std::string> out;
  (seed_of<std::tuple_element_t<Is, table_types>>(Is, out), ...);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::string_view file{reinterpret_cast<const char*>(data) + 1, size - 1};
  dispatch(data[0] % type_count, file, std::make_index_sequence<type_count>{});
  return 0;
}

std::vector<std::string> kintsugi::fuzz::seeds() {
  return all_seeds(std::make_index_sequence<type_count>{});
}
