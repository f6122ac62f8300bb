// A process that writes to a durable table until it is killed: the crash
// test (durable_test.cpp) kills it at a random moment. It prints each key
// once the write is acknowledged as durable: when its insert has returned
// (per_write), or when the sync() after every tenth insert has (group).
//
//   durable_writer PATH per_write|group

#include <cstdio>
#include <string>

#include "kintsugi/ets/durable.hpp"

int main(int argc, char** argv) {
  if (argc != 3)
    return 2;
  kintsugi::ets::durable_options opts;
  opts.durability = std::string{argv[2]} == "group" ? kintsugi::ets::durability::group
                                                    : kintsugi::ets::durability::per_write;
  auto table = kintsugi::ets::durable_set<long, std::string>::open(argv[1], opts);
  if (!table)
    return 3;
  auto group = opts.durability == kintsugi::ets::durability::group;
  auto start = static_cast<long>(*table->size());
  for (long i = start;; ++i) {
    if (table->insert(i, "value " + std::to_string(i)))
      return 4;
    if (group && i % 10 != 9)
      continue;
    if (group && table->sync())
      return 5;
    for (long k = group ? i - 9 : i; k <= i; ++k)
      std::printf("%ld\n", k);
    std::fflush(stdout);
  }
}
