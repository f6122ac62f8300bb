#pragma once

/// @file
/// Kintsugi: Erlang/OTP's supervision for CAF. Include this for everything.

#include "kintsugi/application.hpp"
#include "kintsugi/child_spec.hpp"
#include "kintsugi/config.hpp"
#include "kintsugi/deferred_init.hpp"
#include "kintsugi/dynamic_supervisor.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/management.hpp"
#include "kintsugi/observer.hpp"
#include "kintsugi/registry.hpp"
#include "kintsugi/report.hpp"
#include "kintsugi/restart_backoff.hpp"
#include "kintsugi/restart_intensity.hpp"
#include "kintsugi/strategies/one_for_all.hpp"
#include "kintsugi/strategies/one_for_one.hpp"
#include "kintsugi/strategies/rest_for_one.hpp"
#include "kintsugi/strategies/restart_strategy.hpp"
#include "kintsugi/supervisor.hpp"
#include "kintsugi/supervisor_flags.hpp"
