#include "browser_player.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include <caf/all.hpp>

#include "kintsugi/kintsugi.hpp"
#include "kintsugi/web/json.hpp"

#include "../engine/error.hpp"

namespace islands {

extern const std::string_view browser_page;

namespace {

using kintsugi::web::json_value;
using kintsugi::web::json_writer;

using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using restarted_atom = caf::atom_constant<caf::atom("restarted")>;

constexpr auto call_timeout = std::chrono::seconds(5);

struct player_state {
  static inline const char* name = "islands.browser_player";

  kintsugi::web::peer client;
  web_context ctx;
  std::string game;
  int number = 0;
  std::string player_name;
  kintsugi::report_subscription restarts;
};

using player_actor = caf::stateful_actor<player_state>;

void send_error(player_actor* self, std::string_view message) {
  json_writer w;
  w.begin_object().key("type").value("error").key("message").value(message).end_object();
  self->state.client.send(w.str());
}

// A rule error as the engine words it; anything else (a game that is down,
// a start that failed) as Kintsugi renders it.
void send_error(player_actor* self, const caf::error& err) {
  send_error(self, err.category() == error_category ? describe(err) : kintsugi::render(err));
}

void write_squares(json_writer& w, const std::set<coordinate>& xs) {
  w.begin_array();
  for (auto& x : xs)
    w.begin_array().value(x.row).value(x.col).end_array();
  w.end_array();
}

void write_guesses(json_writer& w, const guesses& g) {
  w.begin_object();
  w.key("hits");
  write_squares(w, g.hits);
  w.key("misses");
  write_squares(w, g.misses);
  w.end_object();
}

bool all_forested(const board& b) {
  return b.all_positioned() && std::all_of(b.islands.begin(), b.islands.end(), [](auto& kv) {
           return kv.second.forested();
         });
}

std::string state_json(const player_state& st, const game& g, caf::actor_id actor) {
  auto me = st.number == 1 ? player::one : player::two;
  auto other = me == player::one ? player::two : player::one;
  auto& mine = g.of(me);
  int winner = 0;
  if (g.rules.phase == game_phase::game_over)
    winner = all_forested(g.player2.board) ? 1 : 2;
  json_writer w;
  w.begin_object();
  w.key("type").value("state");
  w.key("game").value(st.game);
  w.key("actor").value(uint64_t{actor});
  w.key("you").value(st.number);
  w.key("names").begin_array().value(g.player1.name).value(g.player2.name).end_array();
  w.key("phase").value(to_string(g.rules.phase));
  w.key("set").begin_array().value(g.rules.player1_set).value(g.rules.player2_set).end_array();
  w.key("winner").value(winner);
  w.key("islands").begin_array();
  for (auto& [type, x] : mine.board.islands) {
    w.begin_object().key("type").value(to_string(type)).key("squares");
    write_squares(w, x.squares);
    w.key("hits");
    write_squares(w, x.hits);
    w.key("forested").value(x.forested()).end_object();
  }
  w.end_array();
  w.key("incoming");
  write_guesses(w, g.of(other).guesses);
  w.key("outgoing");
  write_guesses(w, mine.guesses);
  w.end_object();
  return w.str();
}

// Everyone in the game's room (both tabs of its players) shows the game anew.
caf::group room_of(player_actor* self, const std::string& game) {
  return self->system().groups().get_local("islands/" + game);
}

void push_state(player_actor* self) {
  auto& st = self->state;
  auto g = st.ctx.names->whereis(st.game);
  if (!g)
    return; // restarting: the restart report brings the state
  self->request(*g, call_timeout, state_atom::value)
    .then([self, id = g->id()](
            islands::game& x) { self->state.client.send(state_json(self->state, x, id)); },
          [self](caf::error& err) { send_error(self, err); });
}

// Sends `xs...` to the player's game; on success runs `then` with the answer
// and tells the room.
template <class Answer, class Then, class... Ts>
void ask_game(player_actor* self, Then then, Ts... xs) {
  auto& st = self->state;
  auto g = st.ctx.names->whereis(st.game);
  if (!g)
    return send_error(self, "the game " + st.game + " is not running (restarting, or over)");
  self->request(*g, call_timeout, xs...)
    .then(
      [self, then](Answer& answer) {
        then(answer);
        self->send(room_of(self, self->state.game), refresh_atom::value);
      },
      [self](caf::error& err) { send_error(self, err); });
}

// Joins the room of `game` as player `number`, and follows the game's
// restarts so that a crash brings the state back to the page.
void enter(player_actor* self, std::string game, int number, std::string name) {
  auto& st = self->state;
  if (!st.game.empty())
    self->leave(room_of(self, st.game));
  st.game = std::move(game);
  st.number = number;
  st.player_name = std::move(name);
  self->join(room_of(self, st.game));
  auto me = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto child = "game " + st.game;
  st.restarts = kintsugi::subscribe_reports(self->system(), [me, child](const kintsugi::report& r) {
    if (r.kind != kintsugi::report_kind::child_restarted || r.child_id != child)
      return;
    if (auto strong = me.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), restarted_atom::value);
  });
  json_writer w;
  w.begin_object().key("type").value("joined").key("game").value(st.game);
  w.key("player").value(number).key("name").value(st.player_name).end_object();
  st.client.send(w.str());
  self->send(room_of(self, st.game), refresh_atom::value);
}

bool valid_name(const std::string& x) {
  return !x.empty() && x.size() <= 40
         && std::all_of(x.begin(), x.end(), [](char c) { return c >= ' ' && c != 0x7f; });
}

void on_request(player_actor* self, const std::string& text) {
  auto& st = self->state;
  auto request = kintsugi::web::parse_json(text);
  if (!request)
    return send_error(self, kintsugi::render(request.error()));
  auto op = request->string_member("op");
  if (!op)
    return send_error(self, "a request names its \"op\"");
  auto name = request->string_member("name");
  if (*op == "new" || *op == "join" || *op == "rejoin") {
    if (!name || !valid_name(*name))
      return send_error(self, "a name of 1 to 40 printable characters, please");
    if (*op == "new") {
      if (st.ctx.names->whereis(*name))
        return send_error(self, "a game named " + *name + " runs already: join it");
      auto spec = game_spec(*name, st.ctx.vault, st.ctx.names);
      self->request(st.ctx.games, call_timeout, kintsugi::start_child_atom::value, spec)
        .then([self, n = *name](caf::actor&) { enter(self, n, 1, n); },
              [self](caf::error& err) { send_error(self, err); });
      return;
    }
    auto game_name = request->string_member("game");
    if (!game_name)
      return send_error(self, "which game? (\"game\")");
    auto g = st.ctx.names->whereis(*game_name);
    if (!g)
      return send_error(self, "no game named " + *game_name + " runs");
    if (*op == "join") {
      self->request(*g, call_timeout, add_player_atom::value, *name)
        .then([self, gm = *game_name, n = *name](caf::ok_atom) { enter(self, gm, 2, n); },
              [self](caf::error& err) { send_error(self, err); });
      return;
    }
    auto number = request->count_member("player");
    if (!number || (*number != 1 && *number != 2))
      return send_error(self, "rejoin as player 1 or 2");
    self->request(*g, call_timeout, state_atom::value)
      .then(
        [self, gm = *game_name, n = *name, p = static_cast<int>(*number)](game& x) {
          if (x.of(p == 1 ? player::one : player::two).name != n)
            return send_error(self, "player " + std::to_string(p) + " of " + gm + " is not " + n);
          enter(self, gm, p, n);
        },
        [self](caf::error& err) { send_error(self, err); });
    return;
  }
  if (st.game.empty())
    return send_error(self, "start a game or join one first");
  if (*op == "position") {
    auto island = request->string_member("island");
    auto row = request->count_member("row");
    auto col = request->count_member("col");
    if (!island || !row || !col || *row > 100 || *col > 100)
      return send_error(self, "position: \"island\", \"row\" and \"col\"");
    return ask_game<caf::ok_atom>(
      self, [](caf::ok_atom) {}, position_atom::value, st.number, *island, static_cast<int>(*row),
      static_cast<int>(*col));
  }
  if (*op == "set")
    return ask_game<board>(
      self, [](board&) {}, set_islands_atom::value, st.number);
  if (*op == "guess") {
    auto row = request->count_member("row");
    auto col = request->count_member("col");
    if (!row || !col || *row > 100 || *col > 100)
      return send_error(self, "guess: \"row\" and \"col\"");
    return ask_game<guess_result>(
      self,
      [self](guess_result& r) {
        json_writer w;
        w.begin_object().key("type").value("guess").key("hit").value(r.hit);
        w.key("forested");
        if (r.forested)
          w.value(to_string(*r.forested));
        else
          w.null();
        w.key("win").value(r.win).end_object();
        self->state.client.send(w.str());
      },
      guess_atom::value, st.number, static_cast<int>(*row), static_cast<int>(*col));
  }
  if (*op == "crash") {
    auto g = st.ctx.names->whereis(st.game);
    if (!g)
      return send_error(self, "the game is restarting already");
    // The supervisor restarts it from the vault; the report brings the
    // state back to both pages.
    caf::anon_send(*g, crash_atom::value);
    return;
  }
  send_error(self, "unknown op \"" + *op + "\"");
}

caf::behavior browser_player(player_actor* self, kintsugi::web::peer client, web_context ctx) {
  self->state.client = std::move(client);
  self->state.ctx = std::move(ctx);
  return {
    [self](kintsugi::web::text_atom, const std::string& text) { on_request(self, text); },
    [self](refresh_atom) { push_state(self); },
    [self](restarted_atom) { push_state(self); },
  };
}

} // namespace

kintsugi::web::app browser_app(web_context ctx) {
  return {"/islands", browser_page, [ctx](caf::actor_system& sys, kintsugi::web::peer client) {
            return sys.spawn(browser_player, std::move(client), ctx);
          }};
}

} // namespace islands
