#!/usr/bin/env bash
# The Erlang/OTP peer for benchmarks/compare: W7 and W8 from here (see
# w78_bench.erl), every other workload from the shared peer's run.sh, whose
# sources (peer_worker, peer_sup) these use too. One JSON line per figure on
# stdout. Sizes: W7_N W7_WARM W8_N W8_WARM W8_RTT_N, as kintsugi-bench's.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shared=${OTP_PEER:-$here/../../../shared/peers/otp}
build=${BUILD_DIR:-${TMPDIR:-/tmp}/kintsugi-otp-w78}
[ $# -gt 0 ] || set -- W1 W2 W3 W4 W6 W7 W8
wanted=" $* "
rest=()
for w in "$@"; do
  case "$w" in W7|W8) ;; *) rest+=("$w");; esac
done
[ ${#rest[@]} -gt 0 ] && "$shared/run.sh" "${rest[@]}"
case "$wanted" in *" W7 "*|*" W8 "*) ;; *) exit 0;; esac
mkdir -p "$build"
erlc -o "$build" "$shared"/src/peer_worker.erl "$shared"/src/peer_sup.erl "$here"/*.erl
if [[ "$wanted" == *" W7 "* ]]; then
  echo "[otp w78] W7" >&2
  erl +S 2:2 -noshell -pa "$build" -run w78_bench main w7 "${W7_N:-200}" "${W7_WARM:-10}"
fi
if [[ "$wanted" == *" W8 "* ]]; then
  echo "[otp w78] W8" >&2
  erl +S 2:2 -name "w78_$$@127.0.0.1" -setcookie kintsugi_w78 -noshell -pa "$build" \
    -run w78_bench main w8 "${W8_N:-1000}" "${W8_WARM:-50}" "${W8_RTT_N:-10000}"
fi
