#include "kintsugi/ets/detail/durable_file.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <lmdb.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <caf/sec.hpp>

#include <fmt/core.h>

#include "fault_guard.hpp"
#include "key_order.hpp"
#include "kintsugi/ets/detail/durable_catalog.hpp"
#include "kintsugi/ets/error.hpp"
#include "kintsugi/longest_duration.hpp"
#include "lmdb_check.hpp"

namespace kintsugi::ets::detail {

namespace {

constexpr uint32_t format_version = 3;

// Files open in this process: LMDB forbids opening one twice.
std::mutex open_mtx;
std::set<std::pair<dev_t, ino_t>> open_files;

MDB_val as_val(bytes_view x) {
  return {x.size(), const_cast<char*>(x.data())};
}

caf::error lmdb_error(int rc, const std::string& what) {
  switch (rc) {
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_CURSOR_FULL: // a tree deeper than LMDB builds: a page points back up
    // A transaction LMDB marked failed: Kintsugi uses each one from one
    // thread, with no child, so an earlier step in it met a corrupted page
    // (and a full map, the one other cause, is retried before this).
    case MDB_BAD_TXN:
      return make_error(errc::bad_file, fmt::format("{}: {}", what, mdb_strerror(rc)));
    case MDB_BAD_VALSIZE:
      return caf::make_error(caf::sec::invalid_argument,
                             what + ": a key is longer than LMDB allows (511 bytes encoded)");
    case EACCES:
    case EROFS:
      return make_error(errc::no_access, fmt::format("{}: {}", what, mdb_strerror(rc)));
    default:
      return caf::make_error(caf::sec::runtime_error,
                             fmt::format("{}: {}", what, mdb_strerror(rc)));
  }
}

// The sentinel a transaction's operations return when the map is full.
caf::error map_full_error() {
  return caf::make_error(caf::sec::runtime_error, "map full");
}

} // namespace

struct durable_file::impl {
  std::string path;
  durable_identity id;
  durable_options opts;
  MDB_env* env = nullptr;
  MDB_dbi meta = 0;
  MDB_dbi objects = 0;
  std::size_t map_size = 0;
  std::pair<dev_t, ino_t> file_id{};
  // Where the file is mapped (see view_of): by this environment, and by
  // those of earlier opens that LMDB faulted on and that were left as they
  // were.
  std::vector<std::pair<const char*, const char*>> maps;

  // The steps of open(), in order.
  caf::error open_environment(bool exists);
  caf::error claim_file();
  caf::error check_length(const struct stat& st);
  caf::error open_table(bool exists);
  caf::error open_databases(MDB_txn* t, bool fresh);
  caf::error write_identity(MDB_txn* t);
  caf::error check_identity(MDB_txn* t);
  // What a file of this table says of it, in the order of identity_keys.
  std::vector<std::string> identity() const;

  void find_map();
  caf::expected<bytes_view> view_of(const MDB_val& x) const;
  // Readers share it; writers, map growth and close take it alone.
  mutable std::shared_mutex mtx;
  bool closed = false;
  // durability::group: a thread flushes at most flush_interval after a write.
  std::thread flusher;
  std::mutex flush_mtx;
  std::condition_variable flush_cv;
  bool dirty = false;
  bool stopping = false;
  // LMDB faulted on this file: every call fails, and the environment is
  // left as it is (closing it could fault again).
  std::atomic<bool> broken{false};
  // durability::group: writes waiting for their transaction (under mtx).
  std::vector<std::pair<bytes, bytes>> waiting;
  std::size_t waiting_bytes = 0;
  // Whether `waiting` has any, readable without mtx.
  std::atomic<bool> has_waiting{false};
  // What all_durable_tables shows.
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> syncs{0};

  void committed() {
    commits.fetch_add(1, std::memory_order_relaxed);
    if (opts.durability == durability::per_write)
      synced();
  }
  void synced() {
    syncs.fetch_add(1, std::memory_order_relaxed);
  }
  // Read transactions between uses (reset): renewing one costs far less
  // than beginning one.
  std::mutex readers_mtx;
  std::vector<MDB_txn*> idle_readers;

  // Commits the waiting writes in one transaction; the caller holds mtx.
  caf::error flush_waiting();
  caf::error commit_waiting();

  ~impl() {
    stop_flusher();
    if (env)
      shut();
  }

  caf::error closed_error() const {
    return make_error(errc::table_closed, path);
  }

  void flush_loop() {
    std::unique_lock<std::mutex> guard{flush_mtx};
    while (!stopping) {
      flush_cv.wait_for(guard, opts.flush_interval);
      if (stopping)
        break;
      guard.unlock();
      {
        std::unique_lock<std::shared_mutex> file_guard{mtx};
        if (!closed)
          flush_waiting();
      }
      guard.lock();
      if (dirty && !stopping) {
        dirty = false;
        guard.unlock();
        if (mdb_env_sync(env, 1) == MDB_SUCCESS)
          synced();
        guard.lock();
      }
    }
  }

  // Stops the flusher; the caller does not hold mtx, which it may need.
  void stop_flusher() {
    if (!flusher.joinable())
      return;
    {
      std::lock_guard<std::mutex> guard{flush_mtx};
      stopping = true;
    }
    flush_cv.notify_all();
    flusher.join();
  }

  // Flushes and closes the environment; the flusher has stopped.
  void shut() {
    if (broken.load(std::memory_order_acquire)) {
      env = nullptr;
      std::lock_guard<std::mutex> guard{open_mtx};
      open_files.erase(file_id);
      return;
    }
    flush_waiting();
    {
      std::lock_guard<std::mutex> guard{readers_mtx};
      for (auto t : idle_readers)
        mdb_txn_abort(t);
      idle_readers.clear();
    }
    if (!opts.read_only && mdb_env_sync(env, 1) == MDB_SUCCESS)
      synced();
    mdb_env_close(env);
    env = nullptr;
    std::lock_guard<std::mutex> guard{open_mtx};
    open_files.erase(file_id);
  }
};

// LMDB does not say where it mapped the file (mdb_env_info gives the address
// the header asked for), so the mapping is looked up by the file's device
// and inode.
void durable_file::impl::find_map() {
  maps.clear();
  std::ifstream in{"/proc/self/maps"};
  std::string line;
  while (std::getline(in, line)) {
    unsigned long begin = 0, end = 0, offset = 0, ino = 0;
    unsigned dev_major = 0, dev_minor = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s %lx %x:%x %lu", &begin, &end, perms, &offset,
                    &dev_major, &dev_minor, &ino)
          == 7
        && ino == file_id.second && makedev(dev_major, dev_minor) == file_id.first && offset == 0)
      maps.emplace_back(reinterpret_cast<const char*>(begin), reinterpret_cast<const char*>(end));
  }
}

// LMDB takes a value's size from its page unchecked: on a corrupted page it
// reaches past the map, into whatever memory lies beyond. A value in the map
// must end inside it (past the file's end, a read faults and the guard takes
// it). Values outside the map are in pages LMDB copied for a write.
caf::expected<bytes_view> durable_file::impl::view_of(const MDB_val& x) const {
  auto p = static_cast<const char*>(x.mv_data);
  for (auto [begin, end] : maps)
    if (p >= begin && p < end && x.mv_size > static_cast<std::size_t>(end - p))
      return make_error(errc::bad_file,
                        fmt::format("{}: corrupted (a value of {} bytes runs past the map)", path,
                                    x.mv_size));
  return bytes_view{p, x.mv_size};
}

namespace {

// Runs `body` under the fault guard (fault_guard.hpp) of `f`.
template <class F>
caf::error guarded(durable_file::impl& f, F&& body) {
  return guarded(f.broken, f.path, std::forward<F>(body));
}

} // namespace

class durable_file::txn {
public:
  MDB_txn* raw;
  impl* file;
  bool map_full = false;

  caf::error check(int rc, const char* what) {
    if (rc == MDB_SUCCESS)
      return {};
    if (rc == MDB_MAP_FULL) {
      map_full = true;
      return map_full_error();
    }
    return lmdb_error(rc, file->path + ": " + what);
  }
};

durable_file::durable_file(std::unique_ptr<impl> ptr) : impl_(std::move(ptr)) {
}

durable_file::~durable_file() {
  uncatalog_durable(this);
}

durable_info durable_file::describe() const {
  auto& f = *impl_;
  durable_info result;
  result.path = f.path;
  result.kind = f.id.kind;
  result.commits = f.commits.load(std::memory_order_relaxed);
  result.syncs = f.syncs.load(std::memory_order_relaxed);
  std::error_code ec;
  auto bytes = std::filesystem::file_size(f.path, ec);
  result.file_bytes = ec ? 0 : static_cast<std::size_t>(bytes);
  read([&](txn& t) -> caf::error {
    auto n = count(t);
    if (n)
      result.size = *n;
    return {};
  });
  return result;
}

bool durable_file::read_only() const noexcept {
  return impl_->opts.read_only;
}

const std::string& durable_file::path() const noexcept {
  return impl_->path;
}

namespace {

// Options no file can be opened with.
caf::error check_options(const std::string& path, const durable_options& opts) {
  if (path.empty())
    return caf::make_error(caf::sec::invalid_argument, "a durable table needs a path");
  if (opts.initial_map_size == 0)
    return caf::make_error(caf::sec::invalid_argument, path + ": initial_map_size is 0");
  if (opts.durability == durability::group
      && (opts.flush_interval.count() <= 0 || opts.flush_interval > longest_duration))
    return caf::make_error(caf::sec::invalid_argument,
                           fmt::format("{}: flush_interval must be positive and at most a "
                                       "century, got {} ms",
                                       path, opts.flush_interval.count()));
  return {};
}

// The file's status when it exists and is one LMDB may read: LMDB trusts
// every page it reads, so a file from elsewhere is checked first.
caf::expected<std::optional<struct stat>>
examine_existing(const std::string& path, const durable_identity& id, const durable_options& opts) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (opts.read_only)
      return caf::make_error(caf::sec::cannot_open_file, path);
    return std::optional<struct stat>{};
  }
  if (!S_ISREG(st.st_mode))
    return make_error(errc::bad_file, path + ": not a regular file");
  if (st.st_size == 0)
    return make_error(errc::bad_file, path + ": empty file");
  if (auto err = check_lmdb_file(path, id.compare == nullptr))
    return err;
  return std::optional<struct stat>{st};
}

} // namespace

caf::error durable_file::impl::open_environment(bool exists) {
  if (auto rc = mdb_env_create(&env))
    return lmdb_error(rc, path + ": mdb_env_create");
  mdb_env_set_assert(env, on_lmdb_assert);
  map_size = opts.initial_map_size;
  mdb_env_set_mapsize(env, map_size);
  mdb_env_set_maxdbs(env, 2);
  unsigned flags = MDB_NOSUBDIR | MDB_NOTLS;
  if (opts.read_only)
    flags |= MDB_RDONLY;
  if (opts.durability == durability::group)
    flags |= MDB_NOSYNC;
  // LMDB reads the file's header here, unchecked: a corrupted one can fault.
  int rc = 0;
  if (auto err = guarded(*this, [&] {
        rc = mdb_env_open(env, path.c_str(), flags, 0644);
        return caf::error{};
      }))
    return err;
  if (rc == 0)
    return {};
  mdb_env_close(env);
  env = nullptr;
  // LMDB maps the size an existing file's header asks for: a corrupted one
  // asks for what cannot be mapped.
  if (exists && (rc == ENOMEM || rc == EINVAL))
    return make_error(errc::bad_file,
                      fmt::format("{}: corrupted header ({})", path, mdb_strerror(rc)));
  if (rc == ENOENT || rc == ENOTDIR)
    return caf::make_error(caf::sec::cannot_open_file,
                           fmt::format("{}: {}", path, mdb_strerror(rc)));
  return lmdb_error(rc, path + ": open");
}

caf::error durable_file::impl::claim_file() {
  struct stat st {};
  ::stat(path.c_str(), &st);
  file_id = {st.st_dev, st.st_ino};
  find_map();
  std::lock_guard<std::mutex> guard{open_mtx};
  if (open_files.insert(file_id).second)
    return {};
  mdb_env_close(env);
  env = nullptr;
  return make_error(errc::no_access, path + ": already open in this process");
}

// A file cut short would fault on its missing pages: refuse it here.
caf::error durable_file::impl::check_length(const struct stat& st) {
  MDB_envinfo info{};
  MDB_stat env_stat{};
  mdb_env_info(env, &info);
  mdb_env_stat(env, &env_stat);
  if (static_cast<uint64_t>(info.me_last_pgno + 1) * env_stat.ms_psize
      > static_cast<uint64_t>(st.st_size))
    return make_error(errc::bad_file, fmt::format("{}: truncated ({} bytes, {} pages expected)",
                                                  path, st.st_size, info.me_last_pgno + 1));
  map_size = std::max<std::size_t>(map_size, info.me_mapsize);
  return {};
}

// The table's databases and its identity: written into a new file, checked
// in an existing one. Runs under the fault guard.
caf::error durable_file::impl::open_table(bool exists) {
  MDB_txn* t = nullptr;
  if (auto rc = mdb_txn_begin(env, nullptr, opts.read_only ? MDB_RDONLY : 0, &t))
    // The header names a last page beyond the map it asks for.
    return rc == MDB_MAP_RESIZED ? make_error(errc::bad_file, path + ": corrupted header")
                                 : lmdb_error(rc, path + ": begin");
  MDB_dbi main_dbi = 0;
  MDB_stat main_stat{};
  if (mdb_dbi_open(t, nullptr, 0, &main_dbi) == MDB_SUCCESS)
    mdb_stat(t, main_dbi, &main_stat);
  // A table is new when its file is, or when the file holds nothing at all:
  // LMDB writes its own header when it creates a file, so a process killed
  // before the identity's commit leaves such a file, and it opens as new.
  auto fresh = !exists || main_stat.ms_entries == 0;
  auto err = open_databases(t, fresh);
  if (!err)
    err = fresh && !opts.read_only ? write_identity(t) : check_identity(t);
  if (err) {
    mdb_txn_abort(t);
    return err;
  }
  if (auto rc = mdb_txn_commit(t))
    return lmdb_error(rc, path + ": commit");
  return {};
}

caf::error durable_file::impl::open_databases(MDB_txn* t, bool fresh) {
  unsigned create = fresh && !opts.read_only ? MDB_CREATE : 0;
  auto rc = mdb_dbi_open(t, "meta", create, &meta);
  if (rc == MDB_NOTFOUND)
    return make_error(errc::bad_file, path + ": an LMDB file, but not a Kintsugi table");
  if (rc == MDB_INCOMPATIBLE)
    return make_error(errc::bad_file, path + ": not a Kintsugi table");
  if (rc)
    return lmdb_error(rc, path + ": meta");
  if ((rc = mdb_dbi_open(t, "objects", create, &objects)))
    return rc == MDB_NOTFOUND ? make_error(errc::bad_file, path + ": no objects")
                              : lmdb_error(rc, path + ": objects");
  if (id.compare) {
    auto order = lmdb_order(id.compare);
    if (!order)
      return std::move(order.error());
    mdb_set_compare(t, objects, *order);
  }
  return {};
}

namespace {

constexpr const char* identity_keys[] = {"format", "kind", "key_type", "object_type"};

} // namespace

std::vector<std::string> durable_file::impl::identity() const {
  return {fmt::format("{}", format_version), to_string(id.kind), id.key_type, id.object_type};
}

caf::error durable_file::impl::write_identity(MDB_txn* t) {
  auto values = identity();
  for (std::size_t i = 0; i < values.size(); ++i) {
    MDB_val k{std::strlen(identity_keys[i]), const_cast<char*>(identity_keys[i])};
    auto v = as_val(values[i]);
    if (auto rc = mdb_put(t, meta, &k, &v, 0))
      return lmdb_error(rc, path + ": writing the table's identity");
  }
  return {};
}

caf::error durable_file::impl::check_identity(MDB_txn* t) {
  std::vector<std::optional<bytes>> stored;
  for (auto key : identity_keys) {
    MDB_val k{std::strlen(key), const_cast<char*>(key)};
    MDB_val v{};
    std::optional<bytes> value;
    if (mdb_get(t, meta, &k, &v) == MDB_SUCCESS)
      if (auto in_map = view_of(v)) // a corrupted one is refused as incomplete
        value = bytes{*in_map};
    stored.push_back(std::move(value));
  }
  auto expected = identity();
  if (!stored[0])
    return make_error(errc::bad_file, path + ": not a Kintsugi table (no identity)");
  if (*stored[0] != expected[0])
    return make_error(errc::bad_file, fmt::format("{}: format version {}, this build reads {}",
                                                  path, *stored[0], expected[0]));
  if (!stored[1] || !stored[2] || !stored[3])
    return make_error(errc::bad_file, path + ": incomplete table identity");
  if (*stored[1] != expected[1] || *stored[2] != expected[2] || *stored[3] != expected[3])
    return make_error(errc::wrong_type,
                      fmt::format("{} holds a {} of {} -> {}, not a {} of {} -> {}", path,
                                  *stored[1], *stored[2], *stored[3], expected[1], expected[2],
                                  expected[3]));
  return {};
}

caf::expected<std::shared_ptr<durable_file>> durable_file::open(const std::string& path,
                                                                const durable_identity& id,
                                                                const durable_options& opts) {
  if (auto err = check_options(path, opts))
    return err;
  install_fault_handler();
  auto existing = examine_existing(path, id, opts);
  if (!existing)
    return std::move(existing.error());
  auto exists = existing->has_value();
  auto self = std::make_unique<impl>();
  self->path = path;
  self->id = id;
  self->opts = opts;
  if (auto err = self->open_environment(exists))
    return err;
  if (auto err = self->claim_file())
    return err;
  if (exists)
    if (auto err = self->check_length(**existing))
      return err;
  if (auto err = guarded(*self, [&] { return self->open_table(exists); }))
    return err;
  if (opts.durability == durability::group && !opts.read_only) {
    auto raw = self.get();
    self->flusher = std::thread{[raw] { raw->flush_loop(); }};
  }
  std::shared_ptr<durable_file> file{new durable_file(std::move(self))};
  catalog_durable(file.get(), [raw = file.get()] { return raw->describe(); });
  return file;
}

namespace {

// Runs `body` in a write transaction of `f`, growing the map when it is full;
// the caller holds f.mtx alone.
caf::error write_locked(durable_file::impl& f,
                        const std::function<caf::error(durable_file::txn&)>& body);

} // namespace

caf::error durable_file::impl::flush_waiting() {
  if (waiting.empty())
    return {};
  return guarded(*this, [this] { return commit_waiting(); });
}

caf::error durable_file::impl::commit_waiting() {
  auto batch = std::move(waiting);
  waiting.clear();
  waiting_bytes = 0;
  has_waiting.store(false, std::memory_order_release);
  return write_locked(*this, [&](txn& t) {
    for (auto& [k, v] : batch)
      if (auto err = put(t, k, v))
        return err;
    return caf::error{};
  });
}

caf::error durable_file::put_later(bytes key, bytes value) {
  auto& f = *impl_;
  if (f.opts.durability == durability::per_write)
    return write([&](txn& t) { return put(t, key, value); });
  std::unique_lock<std::shared_mutex> guard{f.mtx};
  if (f.closed)
    return f.closed_error();
  if (f.opts.read_only)
    return make_error(errc::no_access, f.path + ": opened read-only");
  f.waiting_bytes += key.size() + value.size();
  f.waiting.emplace_back(std::move(key), std::move(value));
  f.has_waiting.store(true, std::memory_order_release);
  // Bounded, so that memory and the flush's pause stay small.
  if (f.waiting.size() >= 16384 || f.waiting_bytes >= (std::size_t{8} << 20))
    return f.flush_waiting();
  return {};
}

caf::error durable_file::write(const std::function<caf::error(txn&)>& body) {
  auto& f = *impl_;
  std::unique_lock<std::shared_mutex> guard{f.mtx};
  if (f.closed)
    return f.closed_error();
  if (f.opts.read_only)
    return make_error(errc::no_access, f.path + ": opened read-only");
  if (auto err = f.flush_waiting())
    return err;
  return guarded(f, [&] { return write_locked(f, body); });
}

namespace {

caf::error write_locked(durable_file::impl& f,
                        const std::function<caf::error(durable_file::txn&)>& body) {
  using txn = durable_file::txn;
  for (;;) {
    txn t{nullptr, &f};
    if (auto rc = mdb_txn_begin(f.env, nullptr, 0, &t.raw))
      return lmdb_error(rc, f.path + ": begin");
    auto err = body(t);
    if (!err && !t.map_full) {
      auto rc = mdb_txn_commit(t.raw);
      if (rc == MDB_SUCCESS) {
        f.committed();
        if (f.opts.durability == durability::group) {
          std::lock_guard<std::mutex> flush_guard{f.flush_mtx};
          f.dirty = true;
        }
        return {};
      }
      if (rc != MDB_MAP_FULL)
        return lmdb_error(rc, f.path + ": commit");
    } else {
      mdb_txn_abort(t.raw);
      if (!t.map_full)
        return err;
    }
    // The map is full: no transaction of this file is open (the lock is
    // ours), so it may grow; then the body runs again.
    f.map_size *= 2;
    if (auto rc = mdb_env_set_mapsize(f.env, f.map_size))
      return lmdb_error(rc, f.path + ": grow the map");
    f.find_map();
  }
}

} // namespace

caf::error durable_file::read(const std::function<caf::error(txn&)>& body) const {
  auto& f = *impl_;
  if (f.has_waiting.load(std::memory_order_acquire)) {
    // Reads see the writes still waiting for their transaction.
    std::unique_lock<std::shared_mutex> guard{f.mtx};
    if (!f.closed)
      if (auto err = f.flush_waiting())
        return err;
  }
  std::shared_lock<std::shared_mutex> guard{f.mtx};
  if (f.closed)
    return f.closed_error();
  return guarded(f, [&]() -> caf::error {
    txn t{nullptr, &f};
    {
      std::lock_guard<std::mutex> readers_guard{f.readers_mtx};
      if (!f.idle_readers.empty()) {
        t.raw = f.idle_readers.back();
        f.idle_readers.pop_back();
      }
    }
    if (t.raw) {
      if (auto rc = mdb_txn_renew(t.raw)) {
        mdb_txn_abort(t.raw);
        return lmdb_error(rc, f.path + ": renew");
      }
    } else if (auto rc = mdb_txn_begin(f.env, nullptr, MDB_RDONLY, &t.raw)) {
      return lmdb_error(rc, f.path + ": begin");
    }
    auto err = body(t);
    mdb_txn_reset(t.raw);
    std::lock_guard<std::mutex> readers_guard{f.readers_mtx};
    f.idle_readers.push_back(t.raw);
    return err;
  });
}

caf::error durable_file::sync() {
  auto& f = *impl_;
  std::unique_lock<std::shared_mutex> guard{f.mtx};
  if (f.closed)
    return f.closed_error();
  if (f.opts.read_only)
    return {};
  if (auto err = f.flush_waiting())
    return err;
  if (auto err = guarded(f, [&]() -> caf::error {
        if (auto rc = mdb_env_sync(f.env, 1))
          return lmdb_error(rc, f.path + ": sync");
        f.synced();
        return {};
      }))
    return err;
  std::lock_guard<std::mutex> flush_guard{f.flush_mtx};
  f.dirty = false;
  return {};
}

caf::error durable_file::close() {
  auto& f = *impl_;
  // First, so that no listing reads the file while it closes.
  uncatalog_durable(this);
  caf::error result;
  {
    std::unique_lock<std::shared_mutex> guard{f.mtx};
    if (f.closed)
      return f.closed_error();
    f.closed = true;
    result = f.flush_waiting();
  }
  f.stop_flusher();
  std::unique_lock<std::shared_mutex> guard{f.mtx};
  f.shut();
  return result;
}

caf::expected<std::optional<bytes_view>> durable_file::get(txn& t, bytes_view key) {
  auto k = as_val(key);
  MDB_val v{};
  auto rc = mdb_get(t.raw, t.file->objects, &k, &v);
  if (rc == MDB_NOTFOUND)
    return std::optional<bytes_view>{};
  if (auto err = t.check(rc, "get"))
    return err;
  auto value = t.file->view_of(v);
  if (!value)
    return std::move(value.error());
  return std::optional<bytes_view>{*value};
}

caf::error durable_file::put(txn& t, bytes_view key, bytes_view value) {
  auto k = as_val(key);
  auto v = as_val(value);
  return t.check(mdb_put(t.raw, t.file->objects, &k, &v, 0), "put");
}

caf::expected<bool> durable_file::put_new(txn& t, bytes_view key, bytes_view value) {
  auto k = as_val(key);
  auto v = as_val(value);
  auto rc = mdb_put(t.raw, t.file->objects, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST)
    return false;
  if (auto err = t.check(rc, "put"))
    return err;
  return true;
}

caf::expected<bool> durable_file::del(txn& t, bytes_view key) {
  auto k = as_val(key);
  auto rc = mdb_del(t.raw, t.file->objects, &k, nullptr);
  if (rc == MDB_NOTFOUND)
    return false;
  if (auto err = t.check(rc, "del"))
    return err;
  return true;
}

caf::error durable_file::scan(txn& t, std::optional<bytes_view> from,
                              const std::function<bool(bytes_view, bytes_view)>& f) {
  MDB_cursor* c = nullptr;
  if (auto err = t.check(mdb_cursor_open(t.raw, t.file->objects, &c), "cursor"))
    return err;
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard{c, mdb_cursor_close};
  MDB_val k{};
  MDB_val v{};
  if (from)
    k = as_val(*from);
  auto rc = mdb_cursor_get(c, &k, &v, from ? MDB_SET_RANGE : MDB_FIRST);
  while (rc == MDB_SUCCESS) {
    auto key = t.file->view_of(k);
    auto value = t.file->view_of(v);
    if (!key || !value)
      return key ? std::move(value.error()) : std::move(key.error());
    if (!f(*key, *value))
      return {};
    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
  }
  return rc == MDB_NOTFOUND ? caf::error{} : t.check(rc, "scan");
}

caf::expected<std::optional<bytes>> durable_file::last_before(txn& t,
                                                              std::optional<bytes_view> before) {
  MDB_cursor* c = nullptr;
  if (auto err = t.check(mdb_cursor_open(t.raw, t.file->objects, &c), "cursor"))
    return err;
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard{c, mdb_cursor_close};
  MDB_val k{};
  MDB_val v{};
  int rc;
  if (before) {
    k = as_val(*before);
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    rc = rc == MDB_SUCCESS ? mdb_cursor_get(c, &k, &v, MDB_PREV)
                           : mdb_cursor_get(c, &k, &v, MDB_LAST);
  } else {
    rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
  }
  if (rc == MDB_NOTFOUND)
    return std::optional<bytes>{};
  if (auto err = t.check(rc, "seek"))
    return err;
  auto key = t.file->view_of(k);
  if (!key)
    return std::move(key.error());
  return std::optional<bytes>{bytes{*key}};
}

caf::expected<std::size_t> durable_file::count(txn& t) {
  MDB_stat st{};
  if (auto err = t.check(mdb_stat(t.raw, t.file->objects, &st), "stat"))
    return err;
  return static_cast<std::size_t>(st.ms_entries);
}

caf::error durable_file::clear(txn& t) {
  return t.check(mdb_drop(t.raw, t.file->objects, 0), "clear");
}

caf::expected<uint64_t> durable_file::next_sequence(txn& t) {
  MDB_val k{3, const_cast<char*>("seq")};
  MDB_val v{};
  uint64_t seq = 0;
  auto rc = mdb_get(t.raw, t.file->meta, &k, &v);
  if (rc == MDB_SUCCESS && v.mv_size == sizeof(seq))
    std::memcpy(&seq, v.mv_data, sizeof(seq));
  else if (rc != MDB_NOTFOUND)
    return make_error(errc::bad_file, t.file->path + ": bad sequence number");
  ++seq;
  MDB_val nv{sizeof(seq), &seq};
  if (auto err = t.check(mdb_put(t.raw, t.file->meta, &k, &nv, 0), "sequence"))
    return err;
  return seq;
}

} // namespace kintsugi::ets::detail
