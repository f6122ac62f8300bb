#include "kintsugi/config.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/settings.hpp>

#include "error_categories.hpp"
#include "kintsugi/error.hpp"
#include "scheduler.hpp"

namespace kintsugi {

caf::actor_system_config& configure(caf::actor_system_config& cfg) {
  for (auto& entry : error_categories())
    cfg.add_error_category(entry.category,
                           [](uint8_t code, caf::atom_value category, const caf::message& ctx) {
                             return render(caf::error{code, category, ctx});
                           });
  if (caf::get_if(&cfg.content, "scheduler.policy") == nullptr) {
    if (caf::get_if(&cfg.content, "scheduler.max-threads") == nullptr) {
      auto cores = std::max(1u, std::thread::hardware_concurrency());
      cfg.set("scheduler.max-threads", static_cast<size_t>(cores));
    }
    cfg.load<detail::scheduler>();
  }
  return cfg;
}

} // namespace kintsugi
