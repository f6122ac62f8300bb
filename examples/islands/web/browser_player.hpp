#pragma once

// Islands in the browser: the page at /islands, and the actor behind each
// tab, which turns the page's JSON into the game server's messages.
//
// The page sends:
//   {"op":"new","name":N}                     start the game named N, as player 1
//   {"op":"join","game":G,"name":N}           join game G as player 2
//   {"op":"rejoin","game":G,"player":P,"name":N}  after a reload
//   {"op":"position","island":T,"row":R,"col":C}
//   {"op":"set"}   {"op":"guess","row":R,"col":C}
//   {"op":"crash"}                            crash the game's actor
// It is sent {"type":"state",...} after every change, by either player or a
// restart of the game; {"type":"guess",...} after its own guess; and
// {"type":"error","message":...} for every refusal.

#include <memory>

#include <caf/actor.hpp>

#include "kintsugi/registry.hpp"
#include "kintsugi/web.hpp"

#include "../server/game_server.hpp"

namespace islands {

struct web_context {
  std::shared_ptr<kintsugi::registry> names;
  game_vault vault;
  /// The dynamic supervisor of the games.
  caf::actor games;
};

/// The app for kintsugi::web::serve.
kintsugi::web::app browser_app(web_context ctx);

} // namespace islands
