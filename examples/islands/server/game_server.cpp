#include "game_server.hpp"

#include <stdexcept>

#include "../engine/error.hpp"

namespace islands {

namespace {

caf::result<caf::ok_atom> answer(const caf::error& err) {
  if (err)
    return err;
  return caf::ok_atom::value;
}

} // namespace

caf::behavior game_server(caf::stateful_actor<kintsugi::ets::kept<game>>* self, game_vault vault,
                          std::string first_player, server_settings settings) {
  caf::behavior running{
    [self](add_player_atom, std::string& name) {
      return answer(self->state.update([&](game& g) { return g.add_player(name); }));
    },
    [self](position_atom, int p, const std::string& type, int row, int col) {
      auto who = player_of(p);
      if (!who)
        return answer(who.error());
      return answer(
        self->state.update([&](game& g) { return g.position_island(*who, type, row, col); }));
    },
    // The book answers {:ok, board}: the board the player set, again on a
    // second set while the other player has not set theirs.
    [self](set_islands_atom, int p) -> caf::result<board> {
      auto who = player_of(p);
      if (!who)
        return who.error();
      if (auto err = self->state.update([&](game& g) { return g.set_islands(*who); }))
        return err;
      return self->state.value.of(*who).board;
    },
    [self](guess_atom, int p, int row, int col) -> caf::result<guess_result> {
      auto who = player_of(p);
      if (!who)
        return who.error();
      auto result = self->state.update([&](game& g) { return g.guess(*who, row, col); });
      if (!result)
        return result.error();
      return *result;
    },
    [self](state_atom) { return self->state.value; },
    [self](stop_atom) {
      self->quit();
      return caf::ok_atom::value;
    },
    [](crash_atom) -> caf::unit_t { throw std::runtime_error("crash injected"); },
    caf::after(settings.inactivity) >> [self] { self->quit(); },
  };
  return kintsugi::ets::keep_state(self, std::move(vault), first_player, std::move(running),
                                   game::create(first_player));
}

kintsugi::child_spec game_spec(const std::string& first_player, game_vault vault,
                               std::shared_ptr<kintsugi::registry> names,
                               server_settings settings) {
  auto spec = kintsugi::worker_spec("game " + first_player, game_server, std::move(vault),
                                    first_player, settings);
  spec.restart = kintsugi::restart_type::transient;
  spec.name = kintsugi::registered_name{std::move(names), first_player};
  return spec;
}

kintsugi::child_spec game_supervisor_spec(kintsugi::dynamic_supervisor_flags flags) {
  return kintsugi::dynamic_supervisor_spec("games", std::move(flags));
}

} // namespace islands
