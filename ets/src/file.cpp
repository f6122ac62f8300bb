#include "kintsugi/ets/file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

#include <caf/sec.hpp>

#include <fmt/core.h>

namespace kintsugi::ets::detail {

namespace {

// "KTSGETS" and a zero: what every table file starts with.
constexpr uint64_t magic = 0x4b545347455453'00;
constexpr uint32_t format_version = 1;

// FNV-1a, 64 bits: catches truncation and flipped bytes, which is what a
// table file has to fear; it is not meant to stop tampering.
uint64_t checksum(const std::vector<char>& bytes) {
  uint64_t h = 14695981039346656037ull;
  for (auto c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

struct file_closer {
  void operator()(std::FILE* f) const {
    std::fclose(f);
  }
};

using file_ptr = std::unique_ptr<std::FILE, file_closer>;

caf::error bad(const std::string& path, const std::string& why) {
  return make_error(errc::bad_file, path + ": " + why);
}

} // namespace

caf::error write_table_file(caf::actor_system& sys, const std::string& path,
                            const file_header& header, const std::vector<char>& payload) {
  std::vector<char> head;
  caf::binary_serializer sink{sys, head};
  auto kind_code = static_cast<uint8_t>(header.kind);
  auto key = header.key_type;
  auto object = header.object_type;
  auto count = header.count;
  auto size = static_cast<uint64_t>(payload.size());
  auto sum = checksum(payload);
  auto m = magic;
  auto v = format_version;
  if (auto err = sink(m, v, kind_code, key, object, count, size, sum))
    return err;
  auto tmp = path + ".tmp";
  {
    file_ptr f{std::fopen(tmp.c_str(), "wb")};
    if (!f)
      return caf::make_error(caf::sec::cannot_open_file, tmp);
    auto ok = std::fwrite(head.data(), 1, head.size(), f.get()) == head.size()
              // fwrite must not see the null data() of an empty table
              && (payload.empty()
                  || std::fwrite(payload.data(), 1, payload.size(), f.get()) == payload.size())
              && std::fflush(f.get()) == 0 && ::fsync(fileno(f.get())) == 0;
    if (!ok) {
      std::remove(tmp.c_str());
      return caf::make_error(caf::sec::runtime_error, "cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    auto why = std::strerror(errno);
    std::remove(tmp.c_str());
    return caf::make_error(caf::sec::cannot_open_file, path + ": " + why);
  }
  return {};
}

caf::expected<std::pair<uint64_t, std::vector<char>>>
read_table_file(caf::actor_system& sys, const std::string& path, const file_header& expected) {
  std::vector<char> bytes;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return bad(path, "not a regular file");
  {
    file_ptr f{std::fopen(path.c_str(), "rb")};
    if (!f)
      return caf::make_error(caf::sec::cannot_open_file, path);
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0)
      bytes.insert(bytes.end(), buf, buf + n);
    if (std::ferror(f.get()))
      return caf::make_error(caf::sec::runtime_error, "cannot read " + path);
  }
  caf::binary_deserializer source{sys, bytes};
  uint64_t m = 0;
  if (source(m) || m != magic)
    return bad(path, "not a Kintsugi table file");
  uint32_t version = 0;
  uint8_t kind_code = 0;
  std::string key;
  std::string object;
  uint64_t count = 0;
  uint64_t size = 0;
  uint64_t sum = 0;
  if (source(version))
    return bad(path, "truncated header");
  if (version != format_version)
    return bad(path,
               fmt::format("format version {}, this build reads {}", version, format_version));
  if (source(kind_code, key, object, count, size, sum))
    return bad(path, "truncated header");
  if (kind_code > static_cast<uint8_t>(kind::duplicate_bag))
    return bad(path, "unknown table kind");
  auto k = static_cast<ets::kind>(kind_code);
  if (k != expected.kind || key != expected.key_type || object != expected.object_type)
    return make_error(errc::wrong_type,
                      fmt::format("{} holds a {} of {} -> {}, not a {} of {} -> {}", path,
                                  to_string(k), key, object, to_string(expected.kind),
                                  expected.key_type, expected.object_type));
  if (source.remaining() != size)
    return bad(path,
               fmt::format("{} bytes of objects, the header says {}", source.remaining(), size));
  std::vector<char> payload(bytes.end() - static_cast<std::ptrdiff_t>(size), bytes.end());
  if (checksum(payload) != sum)
    return bad(path, "checksum mismatch");
  return std::make_pair(count, std::move(payload));
}

} // namespace kintsugi::ets::detail
