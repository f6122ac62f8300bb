#pragma once

// The heir side of ETS's recovery pattern, for tests: an actor that inherits
// a worker's table when the worker ends, and gives it to the restarted
// worker that claims it (`claim_atom` -> whether it did).

#include "kintsugi/ets/ets.hpp"

namespace kintsugi::test {

using claim_atom = caf::atom_constant<caf::atom("claim")>;

template <class Table>
struct table_keeper_state {
  Table table;
};

template <class Table>
caf::message_handler table_keeper(caf::stateful_actor<table_keeper_state<Table>>* self) {
  return {
    [=](ets::transfer& t) {
      if (auto table = Table::adopt(self, t))
        self->state.table = *table;
    },
    [=](claim_atom) {
      if (!self->state.table)
        return false;
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      auto err = self->state.table.give_away(sender);
      self->state.table = Table{};
      return !err;
    },
  };
}

} // namespace kintsugi::test
