#include "simulation.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "engine/error.hpp"
#include "sample_game.hpp"

namespace islands {

namespace {

using done_atom = caf::atom_constant<caf::atom("sim_done")>;
using retry_atom = caf::atom_constant<caf::atom("sim_retry")>;

// A move of the script.
struct move {
  enum kind_t { join, position, set, guess } kind;
  int who = 1;
  std::string type;
  coordinate at;
  // The last move: its reply ends the game.
  bool last = false;
};

std::vector<move> script() {
  std::vector<move> out;
  out.push_back({move::join, 1, {}, {}});
  for (int who : {1, 2})
    for (auto& x : sample_layout())
      out.push_back({move::position, who, to_string(x.type), x.upper_left});
  for (int who : {1, 2})
    out.push_back({move::set, who, {}, {}});
  auto targets = sample_targets();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    out.push_back({move::guess, 1, {}, targets[i], i + 1 == targets.size()});
    if (i + 1 < targets.size())
      out.push_back({move::guess, 2, {}, water(i)});
  }
  return out;
}

struct driver_state {
  std::string name;
  caf::actor game;
  std::vector<move> moves;
  std::size_t next = 0;
  std::mt19937 gen;
};

caf::behavior driver(caf::stateful_actor<driver_state>* self, std::string name,
                     caf::actor games_sup, std::shared_ptr<kintsugi::registry> names,
                     game_vault vault, double crash_probability,
                     std::shared_ptr<std::atomic<std::size_t>> crashes, caf::actor collector) {
  auto& st = self->state;
  st.name = name;
  st.moves = script();
  st.gen.seed(static_cast<unsigned>(std::hash<std::string>{}(name)));
  auto step = std::make_shared<std::function<void()>>();
  auto finish = [=](bool correct) {
    self->send(collector, done_atom::value, correct);
    self->quit();
  };
  // Finds the game again once its supervisor has restarted it.
  auto relocate = [=] {
    auto now = names->whereis(self->state.name);
    if (now && *now != self->state.game) {
      self->state.game = *now;
      (*step)();
    } else {
      self->delayed_send(self, std::chrono::milliseconds{1}, retry_atom::value);
    }
  };
  // After a reply: the next move, or the check of the finished game.
  auto advance = [=](bool won) {
    auto& st = self->state;
    auto last = st.moves[st.next].last;
    ++st.next;
    if (last) {
      self->request(st.game, caf::infinite, state_atom::value)
        .then(
          [=](game& g) {
            auto hits = sample_targets().size();
            auto correct = won && g.rules.phase == game_phase::game_over
                           && g.player1.guesses.hits.size() == hits
                           && g.player1.guesses.misses.empty()
                           && g.player2.guesses.misses.size() + 1 == hits;
            self->send(self->state.game, stop_atom::value);
            finish(correct);
          },
          [=](caf::error&) { finish(false); });
      return;
    }
    if (std::bernoulli_distribution{crash_probability}(st.gen)) {
      ++*crashes;
      self->send_exit(st.game, caf::make_error(caf::sec::runtime_error, "crash injected"));
      relocate();
      return;
    }
    (*step)();
  };
  // A rule error means the game went wrong; anything else, that the game is
  // down for a restart.
  auto failed = [=](caf::error& err) {
    if (err.category() == error_category)
      finish(false);
    else
      relocate();
  };
  *step = [=] {
    auto& st = self->state;
    auto& m = st.moves[st.next];
    auto ok = [=](caf::ok_atom) { advance(false); };
    switch (m.kind) {
      case move::join:
        self->request(st.game, caf::infinite, add_player_atom::value, std::string{"opponent"})
          .then(ok, failed);
        break;
      case move::position:
        self
          ->request(st.game, caf::infinite, position_atom::value, m.who, m.type, m.at.row, m.at.col)
          .then(ok, failed);
        break;
      case move::set:
        self->request(st.game, caf::infinite, set_islands_atom::value, m.who)
          .then([=](board&) { advance(false); }, failed);
        break;
      case move::guess:
        self->request(st.game, caf::infinite, guess_atom::value, m.who, m.at.row, m.at.col)
          .then([=](guess_result& r) { advance(r.win); }, failed);
        break;
    }
  };
  auto spec = game_spec(name, vault, names);
  self->request(games_sup, caf::infinite, kintsugi::start_child_atom::value, spec)
    .then(
      [=](caf::actor& game) {
        self->state.game = game;
        (*step)();
      },
      [=](caf::error&) { finish(false); });
  return {
    [=](retry_atom) { relocate(); },
  };
}

} // namespace

simulation_outcome simulate(caf::actor_system& sys, const caf::actor& games_sup,
                            std::shared_ptr<kintsugi::registry> names, game_vault vault,
                            std::size_t games, double crash_probability) {
  simulation_outcome out;
  auto crashes = std::make_shared<std::atomic<std::size_t>>(0);
  caf::scoped_actor collector{sys};
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < games; ++i)
    sys.spawn(driver, "player-" + std::to_string(i), games_sup, names, vault, crash_probability,
              crashes, caf::actor{collector});
  for (std::size_t i = 0; i < games; ++i)
    collector->receive([&](done_atom, bool correct) { out.correct += correct ? 1 : 0; });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.crashes = crashes->load();
  return out;
}

} // namespace islands
