#include "gather.hpp"

#include <chrono>
#include <memory>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace kintsugi::web::detail {

void describe_all(caf::event_based_actor* self,
                  std::function<std::size_t(const caf::actor&)> first_of, std::size_t limit,
                  std::function<void(std::vector<described>)> done) {
  auto sups = supervisors(self->system());
  struct fan_in {
    std::vector<std::optional<described>> slots;
    std::size_t waiting;
    std::function<void(std::vector<described>)> done;

    void finish_one() {
      if (--waiting > 0)
        return;
      std::vector<described> result;
      for (auto& x : slots)
        if (x)
          result.push_back(std::move(*x));
      done(std::move(result));
    }
  };
  auto state = std::make_shared<fan_in>();
  state->slots.resize(sups.size());
  state->waiting = sups.size();
  state->done = std::move(done);
  if (sups.empty())
    return state->done({});
  for (std::size_t i = 0; i < sups.size(); ++i) {
    auto sup = sups[i];
    self
      ->request(sup, std::chrono::seconds(5), describe_atom::value, uint64_t{first_of(sup)},
                uint64_t{limit})
      .then(
        [state, sup, i](supervisor_snapshot& s) {
          state->slots[i] = described{sup, std::move(s)};
          state->finish_one();
        },
        [state](caf::error&) { state->finish_one(); });
  }
}

} // namespace kintsugi::web::detail
