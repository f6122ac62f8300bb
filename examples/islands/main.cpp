// islands: the Islands game on Kintsugi, the project's main job.
//
//   islands                 a scripted game between two players, with a crash
//                           of the game actor in the middle and its recovery
//   islands play            two players at one terminal
//   islands serve --games N N games at once between simulated players, with
//                           crashes injected; games per second and how many
//                           finished correctly
//   islands web [--port N]  the game in the browser, and the observer beside it
//                           (127.0.0.1, port 8080 unless told; until Ctrl-C)
//   --durable PATH          (any mode) games also kept on disk in PATH, so
//                           that they survive a restart of the program

#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "kintsugi/ets/state_vault.hpp"
#include "kintsugi/kintsugi.hpp"

#include "engine/command.hpp"
#include "engine/error.hpp"
#include "engine/game.hpp"
#include "sample_game.hpp"
#include "server/game_server.hpp"
#include "simulation.hpp"
#include "web/browser_player.hpp"

using namespace std::chrono_literals;

namespace {

struct program {
  explicit program(caf::actor_system& s) : sys(s) {
  }

  caf::actor_system& sys;
  std::shared_ptr<kintsugi::registry> names = std::make_shared<kintsugi::registry>();
  islands::game_vault vault;
  std::unique_ptr<kintsugi::application> app;
  caf::actor games;

  caf::error start(const std::string& durable_path, kintsugi::report_sink reports) {
    kintsugi::ets::vault_options opts;
    opts.durable_path = durable_path;
    auto v = islands::game_vault::open(sys, opts);
    if (!v)
      return v.error();
    vault = *v;
    kintsugi::supervisor_flags flags;
    flags.reports = std::move(reports);
    kintsugi::dynamic_supervisor_flags game_flags;
    game_flags.intensity = 1000;
    game_flags.period = 1s;
    auto a = kintsugi::application::start(sys, "islands", flags,
                                          {islands::game_supervisor_spec(game_flags)});
    if (!a)
      return a.error();
    app = std::make_unique<kintsugi::application>(std::move(*a));
    games = (*kintsugi::which_children(app->root()))[0].actor;
    return {};
  }

  caf::expected<caf::actor> new_game(const std::string& first) {
    return kintsugi::start_child(games, islands::game_spec(first, vault, names));
  }

  int stop() {
    app->stop();
    auto status = kintsugi::exit_status(app->wait());
    vault.close();
    return status;
  }
};

std::string say(const caf::error& err) {
  return err ? islands::describe(err) : "ok";
}

template <class T>
caf::error error_of(const caf::expected<T>& x) {
  return x ? caf::error{} : x.error();
}

// -- the scripted demo ---------------------------------------------------------------

int demo(caf::actor_system& sys, const std::string& durable) {
  program p{sys};
  if (auto err = p.start(durable, [](const kintsugi::report& r) {
        std::printf("  supervisor report: %s\n", kintsugi::to_string(r).c_str());
      }))
    return std::fprintf(stderr, "cannot start: %s\n", say(err).c_str()), 1;
  auto step = [&](const std::string& what, const caf::error& err) {
    std::printf("%-48s -> %s\n", what.c_str(), say(err).c_str());
  };
  auto call = [&](auto... xs) {
    return kintsugi::call_by_name<caf::ok_atom>(*p.names, "Kusama", 5s, xs...);
  };
  std::printf("== Islands: Kusama against Sharon ==\n");
  auto g = p.new_game("Kusama");
  step("start a game for Kusama", error_of(g));
  if (!g)
    return 1;
  step("Sharon joins", error_of(call(islands::add_player_atom::value, std::string{"Sharon"})));
  step("Kusama guesses before the islands are set",
       error_of(kintsugi::call_by_name<islands::guess_result>(
         *p.names, "Kusama", 5s, islands::guess_atom::value, 1, 1, 1)));
  for (int who : {1, 2})
    for (auto& x : islands::sample_layout())
      step(std::string{who == 1 ? "Kusama" : "Sharon"} + " positions " + islands::to_string(x.type)
             + " at " + islands::to_string(x.upper_left),
           error_of(call(islands::position_atom::value, who,
                         std::string{islands::to_string(x.type)}, x.upper_left.row,
                         x.upper_left.col)));
  step("Kusama puts a square on the atoll",
       error_of(call(islands::position_atom::value, 1, std::string{"square"}, 1, 1)));
  step("Kusama puts a square off the board",
       error_of(call(islands::position_atom::value, 1, std::string{"square"}, 10, 10)));
  step("Kusama names an unknown island",
       error_of(call(islands::position_atom::value, 1, std::string{"volcano"}, 3, 3)));
  for (int who : {1, 2})
    step(std::string{who == 1 ? "Kusama" : "Sharon"} + " sets the islands",
         error_of(kintsugi::call_by_name<islands::board>(*p.names, "Kusama", 5s,
                                                         islands::set_islands_atom::value, who)));
  // Kusama guesses every square of Sharon's islands; Sharon guesses water.
  auto targets = islands::sample_targets();
  auto guess = [&](int who, int row, int col) {
    auto r = kintsugi::call_by_name<islands::guess_result>(
      *p.names, "Kusama", 5s, islands::guess_atom::value, who, row, col);
    std::string what = std::string{who == 1 ? "Kusama" : "Sharon"} + " guesses ("
                       + std::to_string(row) + ", " + std::to_string(col) + ")";
    if (!r) {
      step(what, r.error());
      return false;
    }
    std::printf(
      "%-48s -> %s%s%s\n", what.c_str(), r->hit ? "hit" : "miss",
      r->forested ? (std::string{", forested "} + islands::to_string(*r->forested)).c_str() : "",
      r->win ? ", WIN" : "");
    return r->win;
  };
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (i == targets.size() / 2) {
      auto before = *p.names->whereis("Kusama");
      std::printf("-- crashing the game actor in the middle of the game --\n");
      caf::anon_send(before, islands::crash_atom::value);
      // Wait for the supervisor to start it again under the same name.
      caf::scoped_actor self{sys};
      self->monitor(before);
      self->receive([](caf::down_msg&) {});
      while (true) {
        auto now = p.names->whereis("Kusama");
        if (now && *now != before)
          break;
        self->receive(caf::after(1ms) >> [] {});
      }
      auto state = kintsugi::call_by_name<islands::game>(*p.names, "Kusama", 5s,
                                                         islands::state_atom::value);
      std::printf("-- the game is back as a new actor, in %s, with %zu hits for Kusama --\n",
                  islands::to_string(state->rules.phase), state->player1.guesses.hits.size());
    }
    if (guess(1, targets[i].row, targets[i].col))
      break;
    guess(2, islands::water(i).row, islands::water(i).col);
  }
  auto final_state = kintsugi::call_by_name<islands::game>(*p.names, "Kusama", 5s,
                                                           islands::state_atom::value);
  std::printf("\n%s", islands::draw(*final_state, islands::player::one).c_str());
  step("Sharon guesses after the game is over",
       error_of(kintsugi::call_by_name<islands::guess_result>(
         *p.names, "Kusama", 5s, islands::guess_atom::value, 2, 1, 1)));
  step("the game ends", error_of(call(islands::stop_atom::value)));
  std::printf("== done ==\n");
  return p.stop();
}

// -- two players at one terminal -------------------------------------------------------

int play(caf::actor_system& sys, const std::string& durable) {
  program p{sys};
  if (auto err = p.start(durable, kintsugi::null_report_sink()))
    return std::fprintf(stderr, "cannot start: %s\n", say(err).c_str()), 1;
  std::printf("Islands for two at one terminal. Commands:\n"
              "  new NAME | join NAME | position P TYPE ROW COL | set P | guess P ROW COL\n"
              "  show P | quit      (P is 1 or 2; TYPE: atoll dot l_shape s_shape square)\n");
  std::string game_name;
  std::string line;
  auto show = [&](int who) {
    auto seen_by = islands::player_of(who);
    if (!seen_by)
      return std::printf("error: %s\n", islands::describe(seen_by.error()).c_str()), void();
    auto g = kintsugi::call_by_name<islands::game>(*p.names, game_name, 5s,
                                                   islands::state_atom::value);
    if (!g)
      return std::printf("error: %s\n", islands::describe(g.error()).c_str()), void();
    std::printf("%s", islands::draw(*g, *seen_by).c_str());
  };
  while (std::printf("> "), std::fflush(stdout), std::getline(std::cin, line)) {
    if (islands::is_blank(line))
      continue;
    auto cmd = islands::parse_command(line);
    auto report = [&](const caf::error& err) {
      std::printf("%s\n", err ? ("error: " + islands::describe(err)).c_str() : "ok");
    };
    if (!cmd) {
      report(cmd.error());
      continue;
    }
    using verb = islands::command::verb;
    if (cmd->what == verb::quit)
      break;
    if (cmd->what == verb::new_game) {
      auto g = p.new_game(cmd->text);
      if (!g) {
        std::printf("error: %s\n", kintsugi::render(g.error()).c_str());
        continue;
      }
      game_name = cmd->text;
      std::printf("game started for %s\n", game_name.c_str());
      continue;
    }
    if (game_name.empty()) {
      std::printf("error: start a game first: new NAME\n");
      continue;
    }
    auto request = [&](auto... xs) {
      return kintsugi::call_by_name<caf::ok_atom>(*p.names, game_name, 5s, xs...);
    };
    switch (cmd->what) {
      case verb::join:
        report(error_of(request(islands::add_player_atom::value, cmd->text)));
        break;
      case verb::position: {
        auto r = request(islands::position_atom::value, cmd->who, cmd->text, cmd->row, cmd->col);
        report(error_of(r));
        if (r)
          show(cmd->who);
        break;
      }
      case verb::set:
        report(error_of(kintsugi::call_by_name<islands::board>(
          *p.names, game_name, 5s, islands::set_islands_atom::value, cmd->who)));
        break;
      case verb::guess: {
        auto r = kintsugi::call_by_name<islands::guess_result>(
          *p.names, game_name, 5s, islands::guess_atom::value, cmd->who, cmd->row, cmd->col);
        if (!r) {
          report(r.error());
          break;
        }
        std::printf("%s%s%s\n", r->hit ? "hit" : "miss",
                    r->forested
                      ? (std::string{", forested "} + islands::to_string(*r->forested)).c_str()
                      : "",
                    r->win ? " -- and that wins the game!" : "");
        show(cmd->who);
        break;
      }
      case verb::show:
        show(cmd->who);
        break;
      case verb::new_game:
      case verb::quit:
        break; // handled above
    }
  }
  return p.stop();
}

// -- many games at once ------------------------------------------------------------------

int serve(caf::actor_system& sys, const std::string& durable, std::size_t games) {
  program p{sys};
  if (auto err = p.start(durable, kintsugi::null_report_sink()))
    return std::fprintf(stderr, "cannot start: %s\n", say(err).c_str()), 1;
  auto outcome = islands::simulate(sys, p.games, p.names, p.vault, games, 0.02);
  std::printf("%zu games in %.2f s: %.0f games/s, %zu crashes injected and survived\n"
              "finished correctly: %zu of %zu\n",
              games, outcome.seconds, static_cast<double>(games) / outcome.seconds, outcome.crashes,
              outcome.correct, games);
  auto status = p.stop();
  return outcome.correct == games ? status : 1;
}

// -- in the browser --------------------------------------------------------------------

int web(caf::actor_system& sys, const std::string& durable, uint16_t port) {
  program p{sys};
  if (auto err = p.start(durable, kintsugi::null_report_sink()))
    return std::fprintf(stderr, "cannot start: %s\n", say(err).c_str()), 1;
  kintsugi::web::options opts;
  opts.port = port;
  opts.apps.push_back(islands::browser_app({p.names, p.vault, p.games}));
  auto server = kintsugi::web::serve(sys, opts);
  if (!server) {
    std::fprintf(stderr, "cannot serve: %s\n", say(server.error()).c_str());
    return p.stop(), 1;
  }
  std::printf("Islands:  %s   (open it in two tabs, one per player)\n"
              "Observer: %s\n"
              "Metrics:  %s\n"
              "Ctrl-C stops.\n",
              server->url("/islands").c_str(), server->url("/").c_str(),
              server->url("/metrics").c_str());
  std::fflush(stdout);
  // main() blocked these before the actor system started its threads.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  int received = 0;
  sigwait(&stop_signals, &received);
  server->stop();
  return p.stop();
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string mode = "demo";
  std::string durable;
  std::size_t games = 1000;
  uint16_t port = 8080;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--durable" && i + 1 < args.size())
      durable = args[++i];
    else if (args[i] == "--games" && i + 1 < args.size()) {
      auto& n = args[++i];
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), games);
      if (ec != std::errc{} || end != n.data() + n.size() || games == 0 || games > 1'000'000)
        return std::fprintf(stderr,
                            "islands serve: --games needs a number from 1 to 1000000, "
                            "not '%s'\n",
                            n.c_str()),
               2;
    } else if (args[i] == "--port" && i + 1 < args.size()) {
      auto& n = args[++i];
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), port);
      if (ec != std::errc{} || end != n.data() + n.size())
        return std::fprintf(stderr,
                            "islands web: --port needs a number from 0 to 65535, not '%s'\n",
                            n.c_str()),
               2;
    } else if (args[i] == "play" || args[i] == "serve" || args[i] == "web")
      mode = args[i];
    else
      return std::fprintf(stderr, "usage: islands [play | serve --games N | web [--port N]] "
                                  "[--durable PATH]\n"),
             2;
  }
  if (mode == "web") {
    // Blocked in every thread, so that web() takes them with sigwait.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  }
  caf::actor_system_config cfg;
  kintsugi::configure(cfg);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  if (mode == "play")
    return play(sys, durable);
  if (mode == "serve")
    return serve(sys, durable, games);
  if (mode == "web")
    return web(sys, durable, port);
  return demo(sys, durable);
}
