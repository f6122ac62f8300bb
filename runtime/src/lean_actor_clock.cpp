#include "lean_actor_clock.hpp"

#include <utility>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/sec.hpp>
#include <caf/system_messages.hpp>

namespace kintsugi::detail {

void lean_actor_clock::set_ordinary_timeout(time_point t, caf::abstract_actor* self,
                                            caf::atom_value type, uint64_t id) {
  add_timeout(t, self, typed_timeout(kind::ordinary_timeout, self, type, id));
}

void lean_actor_clock::set_multi_timeout(time_point t, caf::abstract_actor* self,
                                         caf::atom_value type, uint64_t id) {
  add_timeout(t, self, typed_timeout(kind::multi_timeout, self, type, id));
}

lean_actor_clock::timer lean_actor_clock::typed_timeout(kind what, caf::abstract_actor* self,
                                                        caf::atom_value type, uint64_t id) {
  timer x{what, self->ctrl()};
  x.type = type;
  x.id = id;
  return x;
}

void lean_actor_clock::set_request_timeout(time_point t, caf::abstract_actor* self,
                                           caf::message_id id) {
  timer x{kind::request_timeout, self->ctrl()};
  x.request = id;
  add_timeout(t, self, std::move(x));
}

void lean_actor_clock::cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) {
  cancel(self->id(),
         [&](const timer& x) { return x.what == kind::ordinary_timeout && x.type == type; });
}

void lean_actor_clock::cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) {
  cancel(self->id(),
         [&](const timer& x) { return x.what == kind::request_timeout && x.request == id; });
}

void lean_actor_clock::cancel_timeouts(caf::abstract_actor* self) {
  auto aid = self->id();
  {
    auto& s = shard_of(aid);
    std::lock_guard<std::mutex> guard{s.lock};
    if (s.ids.erase(aid) == 0)
      return;
  }
  cancel(aid, [](const timer&) { return true; });
}

void lean_actor_clock::schedule_message(time_point t, caf::strong_actor_ptr receiver,
                                        caf::mailbox_element_ptr content) {
  timer x{kind::actor_message, std::move(receiver)};
  x.content = std::move(content);
  add(t, std::move(x));
}

void lean_actor_clock::schedule_message(time_point t, caf::group target,
                                        caf::strong_actor_ptr sender, caf::message content) {
  timer x{kind::group_message, std::move(sender)};
  x.target = std::move(target);
  x.group_content = std::move(content);
  add(t, std::move(x));
}

void lean_actor_clock::cancel_all() {
  schedule_map gone;
  std::lock_guard<std::mutex> guard{lock_};
  by_actor_.clear();
  gone.swap(schedule_);
}

void lean_actor_clock::run() {
  std::unique_lock<std::mutex> guard{lock_};
  std::vector<timer> due;
  while (!stopped_) {
    if (schedule_.empty()) {
      waiting_until_ = time_point::max();
      wake_.wait(guard);
      waiting_until_ = time_point::min();
      continue;
    }
    auto next = schedule_.begin()->first;
    if (next > now()) {
      waiting_until_ = next;
      wake_.wait_until(guard, next);
      waiting_until_ = time_point::min();
      continue;
    }
    for (auto t = now(); !schedule_.empty() && schedule_.begin()->first <= t;) {
      auto i = schedule_.begin();
      if (is_timeout(i->second.what)) {
        auto range = by_actor_.equal_range(i->second.actor->id());
        for (auto j = range.first; j != range.second; ++j)
          if (j->second == i) {
            by_actor_.erase(j);
            break;
          }
      }
      due.push_back(std::move(i->second));
      schedule_.erase(i);
    }
    // Delivered without the lock: a delivery may end an actor, whose cleanup
    // calls back into this clock.
    guard.unlock();
    for (auto& x : due)
      ship(x);
    due.clear();
    guard.lock();
  }
}

void lean_actor_clock::stop() {
  cancel_all();
  {
    std::lock_guard<std::mutex> guard{lock_};
    stopped_ = true;
  }
  wake_.notify_all();
}

void lean_actor_clock::add(time_point t, timer x) {
  bool wake;
  {
    std::lock_guard<std::mutex> guard{lock_};
    auto i = schedule_.emplace(t, std::move(x));
    if (is_timeout(i->second.what))
      by_actor_.emplace(i->second.actor->id(), i);
    wake = t < waiting_until_;
  }
  if (wake)
    wake_.notify_one();
}

void lean_actor_clock::add_timeout(time_point t, caf::abstract_actor* self, timer x) {
  {
    auto& s = shard_of(self->id());
    std::lock_guard<std::mutex> guard{s.lock};
    s.ids.insert(self->id());
  }
  // One ordinary timeout per actor and type: a new one replaces the old.
  if (x.what == kind::ordinary_timeout)
    cancel_ordinary_timeout(self, x.type);
  add(t, std::move(x));
}

template <class Predicate>
void lean_actor_clock::cancel(caf::actor_id aid, Predicate pred) {
  // Declared before the lock, so released after it: dropping a reference may
  // end an actor, whose cleanup calls back into this clock.
  std::vector<timer> gone;
  std::lock_guard<std::mutex> guard{lock_};
  auto range = by_actor_.equal_range(aid);
  for (auto j = range.first; j != range.second;) {
    if (pred(j->second->second)) {
      gone.push_back(std::move(j->second->second));
      schedule_.erase(j->second);
      j = by_actor_.erase(j);
    } else {
      ++j;
    }
  }
}

void lean_actor_clock::ship(timer& x) {
  switch (x.what) {
    case kind::ordinary_timeout:
    case kind::multi_timeout:
      x.actor->get()->eq_impl(caf::make_message_id(), x.actor, nullptr,
                              caf::timeout_msg{x.type, x.id});
      break;
    case kind::request_timeout:
      x.actor->get()->eq_impl(x.request, x.actor, nullptr, caf::sec::request_timeout);
      break;
    case kind::actor_message:
      x.actor->enqueue(std::move(x.content), nullptr);
      break;
    case kind::group_message:
      x.target->eq_impl(caf::make_message_id(), std::move(x.actor), nullptr,
                        std::move(x.group_content));
      break;
  }
}

lean_actor_clock::shard& lean_actor_clock::shard_of(caf::actor_id id) {
  return shards_[id % shard_count];
}

} // namespace kintsugi::detail
