// A process that writes to a durable table until it is killed: the crash
// test (durable_test.cpp) kills it at a random moment. It prints each key
// once its insert has returned, that is, once the write is acknowledged.
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
  auto start = *table->size();
  for (long i = static_cast<long>(start);; ++i) {
    if (table->insert(i, "value " + std::to_string(i)))
      return 4;
    std::printf("%ld\n", i);
    std::fflush(stdout);
  }
}
