#!/usr/bin/env bash
# Installs the Debian packages a Kintsugi build needs, only those missing.
# Extra package names may be given as arguments (the benchmarks add the peers).
set -euo pipefail
wanted=(cmake g++ make libcaf-dev libboost-test-dev libboost-dev libfmt-dev libabsl-dev liblmdb-dev libssl-dev openssl ccache "$@")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})" >&2
  exit 2
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${missing[@]}" >&2
