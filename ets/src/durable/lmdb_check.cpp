#include "lmdb_check.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include "kintsugi/ets/error.hpp"

namespace kintsugi::ets::detail {

namespace {

// LMDB 0.9's on-disk layout on a 64-bit machine (mdb.c: MDB_page, MDB_node,
// MDB_meta, MDB_db).
constexpr uint32_t lmdb_magic = 0xBEEFC0DE;
constexpr uint32_t lmdb_version = 1;
constexpr std::size_t page_header = 16;
constexpr std::size_t node_header = 8;
constexpr std::size_t db_record_size = 48;
constexpr std::size_t meta_size = 136;
constexpr uint16_t p_branch = 0x01;
constexpr uint16_t p_leaf = 0x02;
constexpr uint16_t p_overflow = 0x04;
constexpr uint16_t f_bigdata = 0x01;
constexpr uint16_t f_subdata = 0x02;
constexpr uint16_t f_dupdata = 0x04;
constexpr uint64_t no_page = ~uint64_t{0};
constexpr unsigned max_depth = 32; // LMDB's cursor stack

template <class T>
T load(const unsigned char* p) {
  T x;
  std::memcpy(&x, p, sizeof(x));
  return x;
}

struct db_record {
  uint16_t flags;
  uint16_t depth;
  uint64_t branch_pages;
  uint64_t leaf_pages;
  uint64_t overflow_pages;
  uint64_t entries;
  uint64_t root;
};

db_record read_db(const unsigned char* p) {
  return {load<uint16_t>(p + 4),  load<uint16_t>(p + 6),  load<uint64_t>(p + 8),
          load<uint64_t>(p + 16), load<uint64_t>(p + 24), load<uint64_t>(p + 32),
          load<uint64_t>(p + 40)};
}

enum class key_order { bytes, integer, unchecked };

// What a tree holds: the free list, the names of the databases, or objects.
enum class tree_kind { free_list, names, plain };

// What a walk of one tree counted, against what its record says.
struct tally {
  uint64_t branch_pages = 0;
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;
  uint64_t entries = 0;
};

struct mapped_file {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
  ~mapped_file() {
    if (data != nullptr)
      ::munmap(const_cast<unsigned char*>(data), size);
  }
};

class checker {
public:
  checker(const unsigned char* file, std::size_t size, bool objects_bytes_order)
    : file_(file), size_(size), objects_bytes_order_(objects_bytes_order) {
  }

  // The first problem, or an empty string.
  std::string run() {
    if (size_ < page_header + meta_size)
      return "shorter than its header";
    auto meta0 = file_ + page_header;
    psize_ = load<uint32_t>(meta0 + 24); // the free list's md_pad holds it
    if (load<uint32_t>(meta0) != lmdb_magic || load<uint32_t>(meta0 + 4) != lmdb_version)
      return "not an LMDB 0.9 file";
    if (psize_ < 512 || psize_ > 0x8000 || (psize_ & (psize_ - 1)) != 0)
      return fmt::format("page size {}", psize_);
    if (size_ < 2 * psize_)
      return "shorter than its two meta pages";
    auto meta1 = file_ + psize_ + page_header;
    if (load<uint32_t>(meta1) != lmdb_magic || load<uint32_t>(meta1 + 4) != lmdb_version)
      return "second meta page";
    // LMDB reads the meta page with the higher transaction id.
    auto meta = load<uint64_t>(meta1 + 128) > load<uint64_t>(meta0 + 128) ? meta1 : meta0;
    last_page_ = load<uint64_t>(meta + 120);
    if (last_page_ < 1 || last_page_ >= size_ / psize_)
      return fmt::format("last page {} of {} in the file", last_page_, size_ / psize_);
    used_.assign(last_page_ + 1, false);
    used_[0] = used_[1] = true;
    if (!walk_tree(read_db(meta + 24), key_order::integer, tree_kind::free_list, "free list")
        || !walk_tree(read_db(meta + 24 + db_record_size), key_order::bytes, tree_kind::names,
                      "main database"))
      return problem_;
    for (auto page : free_pages_) {
      if (page < 2 || page > last_page_)
        return fmt::format("free page {} out of range", page);
      if (used_[page])
        return fmt::format("page {} both in use and free", page);
      used_[page] = true;
    }
    return {};
  }

private:
  bool fail(std::string why) {
    if (problem_.empty())
      problem_ = std::move(why);
    return false;
  }

  const unsigned char* page(uint64_t number) const {
    return file_ + number * psize_;
  }

  bool claim(uint64_t number, const char* what) {
    if (number < 2 || number > last_page_)
      return fail(fmt::format("{}: page {} out of range", what, number));
    if (used_[number])
      return fail(fmt::format("{}: page {} used twice", what, number));
    used_[number] = true;
    if (load<uint64_t>(page(number)) != number)
      return fail(
        fmt::format("{}: page {} says it is page {}", what, number, load<uint64_t>(page(number))));
    return true;
  }

  static int compare(key_order order, const unsigned char* a, std::size_t an,
                     const unsigned char* b, std::size_t bn) {
    if (order == key_order::integer) {
      auto x = load<uint64_t>(a);
      auto y = load<uint64_t>(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    auto n = std::memcmp(a, b, std::min(an, bn));
    return n != 0 ? n : an < bn ? -1 : an > bn ? 1 : 0;
  }

  bool walk_tree(const db_record& db, key_order order, tree_kind kind, const char* what) {
    if (db.root == no_page) {
      if (db.entries != 0 || db.depth != 0)
        return fail(fmt::format("{}: no root, but {} entries", what, db.entries));
      return true;
    }
    if (db.depth < 1 || db.depth > max_depth)
      return fail(fmt::format("{}: depth {}", what, db.depth));
    tally counted;
    if (!walk(db.root, 1, db, order, kind, counted, what))
      return false;
    if (counted.branch_pages != db.branch_pages || counted.leaf_pages != db.leaf_pages
        || counted.overflow_pages != db.overflow_pages || counted.entries != db.entries)
      return fail(fmt::format("{}: its pages and entries are not those its record counts", what));
    return true;
  }

  bool walk(uint64_t number, unsigned level, const db_record& db, key_order order, tree_kind kind,
            tally& counted, const char* what) {
    if (!claim(number, what))
      return false;
    auto p = page(number);
    auto flags = load<uint16_t>(p + 10);
    auto lower = load<uint16_t>(p + 12);
    auto upper = load<uint16_t>(p + 14);
    auto branch = flags == p_branch;
    if (!branch && flags != p_leaf)
      return fail(fmt::format("{}: page {} has flags {:#x}", what, number, flags));
    if (branch == (level == db.depth))
      return fail(fmt::format("{}: page {} at level {} of {}", what, number, level, db.depth));
    if (lower < page_header + 2 || (lower - page_header) % 2 != 0 || lower > upper
        || upper > psize_)
      return fail(fmt::format("{}: page {} has bounds {}..{}", what, number, lower, upper));
    ++(branch ? counted.branch_pages : counted.leaf_pages);
    std::size_t keys = (lower - page_header) / 2;
    const unsigned char* previous = nullptr;
    std::size_t previous_size = 0;
    for (std::size_t i = 0; i < keys; ++i) {
      std::size_t at = load<uint16_t>(p + page_header + 2 * i);
      if (at < upper || at + node_header > psize_)
        return fail(fmt::format("{}: page {} node {} at {}", what, number, i, at));
      auto node = p + at;
      auto lo = load<uint16_t>(node);
      auto hi = load<uint16_t>(node + 2);
      auto node_flags = load<uint16_t>(node + 4);
      std::size_t key_size = load<uint16_t>(node + 6);
      auto key = node + node_header;
      if (at + node_header + key_size > psize_)
        return fail(fmt::format("{}: page {} node {} key of {} bytes", what, number, i, key_size));
      // A branch's first key is empty: its child holds what sorts first.
      if (!branch || i > 0) {
        if (order == key_order::integer && key_size != 8)
          return fail(fmt::format("{}: page {} key of {} bytes", what, number, key_size));
        if (previous != nullptr && order != key_order::unchecked
            && compare(order, previous, previous_size, key, key_size) >= 0)
          return fail(fmt::format("{}: page {} keys out of order", what, number));
        previous = key;
        previous_size = key_size;
      }
      if (branch) {
        auto child = lo | (uint64_t{hi} << 16) | (uint64_t{node_flags} << 32);
        if (!walk(child, level + 1, db, order, kind, counted, what))
          return false;
        continue;
      }
      ++counted.entries;
      if ((node_flags & ~(f_bigdata | f_subdata)) != 0 || (node_flags & f_dupdata) != 0)
        return fail(fmt::format("{}: page {} node flags {:#x}", what, number, node_flags));
      std::size_t data_size = lo | (std::size_t{hi} << 16);
      const unsigned char* data = key + key_size;
      if (node_flags & f_bigdata) {
        if (at + node_header + key_size + 8 > psize_)
          return fail(fmt::format("{}: page {} node {}", what, number, i));
        data = overflow(load<uint64_t>(data), data_size, counted, what);
        if (data == nullptr)
          return false;
      } else if (at + node_header + key_size + data_size > psize_) {
        return fail(fmt::format("{}: page {} node {} of {} bytes", what, number, i, data_size));
      }
      if (!leaf_data(kind, key, key_size, node_flags, data, data_size, what))
        return false;
    }
    return true;
  }

  // The data of an overflow run, checked.
  const unsigned char* overflow(uint64_t first, std::size_t data_size, tally& counted,
                                const char* what) {
    if (!claim(first, what))
      return nullptr;
    auto p = page(first);
    auto pages = load<uint32_t>(p + 12);
    if (load<uint16_t>(p + 10) != p_overflow || pages < 1 || first + pages - 1 > last_page_
        || data_size > pages * psize_ - page_header) {
      fail(fmt::format("{}: overflow page {}", what, first));
      return nullptr;
    }
    for (uint64_t i = 1; i < pages; ++i) {
      if (used_[first + i]) {
        fail(fmt::format("{}: overflow page {} used twice", what, first + i));
        return nullptr;
      }
      used_[first + i] = true;
    }
    counted.overflow_pages += pages;
    return p + page_header;
  }

  bool leaf_data(tree_kind kind, const unsigned char* key, std::size_t key_size,
                 uint16_t node_flags, const unsigned char* data, std::size_t data_size,
                 const char* what) {
    switch (kind) {
      case tree_kind::free_list: {
        // A list of page numbers: its length, then that many.
        if (data_size < 8 || data_size % 8 != 0 || load<uint64_t>(data) != data_size / 8 - 1)
          return fail(fmt::format("{}: a list of free pages of {} bytes", what, data_size));
        for (std::size_t i = 8; i < data_size; i += 8)
          free_pages_.push_back(load<uint64_t>(data + i));
        return true;
      }
      case tree_kind::names: {
        // Kintsugi's two databases, and nothing else.
        std::string name{reinterpret_cast<const char*>(key), key_size};
        if ((node_flags & f_subdata) == 0 || data_size != db_record_size
            || (name != "meta" && name != "objects"))
          return fail(fmt::format("{}: an entry that is not one of Kintsugi's databases", what));
        auto db = read_db(data);
        if (db.flags != 0)
          return fail(fmt::format("{}: database flags {:#x}", name, db.flags));
        auto order = name == "objects" && !objects_bytes_order_ ? key_order::unchecked
                                                                : key_order::bytes;
        return walk_tree(db, order, tree_kind::plain, name == "meta" ? "meta" : "objects");
      }
      case tree_kind::plain:
        if (node_flags & f_subdata)
          return fail(fmt::format("{}: a database inside a database", what));
        return true;
    }
    return true;
  }

  const unsigned char* file_;
  std::size_t size_;
  bool objects_bytes_order_;
  std::size_t psize_ = 0;
  uint64_t last_page_ = 0;
  std::vector<bool> used_;
  std::vector<uint64_t> free_pages_;
  std::string problem_;
};

} // namespace

caf::error check_lmdb_file(const std::string& path, bool objects_bytes_order) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {}; // LMDB's own open reports it
  struct stat st {};
  mapped_file file;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    file.size = static_cast<std::size_t>(st.st_size);
    auto m = ::mmap(nullptr, file.size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED)
      file.data = static_cast<const unsigned char*>(m);
  }
  ::close(fd);
  if (file.data == nullptr)
    return {};
  auto problem = checker{file.data, file.size, objects_bytes_order}.run();
  if (problem.empty())
    return {};
  return make_error(errc::bad_file, path + ": corrupted (" + problem + ")");
}

} // namespace kintsugi::ets::detail
