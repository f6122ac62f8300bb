#!/usr/bin/env bash
# Makes the certificates node_tls_test uses, in folder $1: an authority for
# the nodes ("nodes-ca") that signs a node's and a supervising program's
# certificate, a second authority ("stranger-ca") that signs a stranger's,
# and the supervisor's key once more, encrypted with the passphrase
# "open sesame". EC keys (P-256), valid for ten years; made at build time so
# that no key is kept in the repository.
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"
authority() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=$1" -keyout "$1.key" -out "$1.pem" 2>/dev/null
}
signed() { # name authority
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$1" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 3650 \
    -out "$1.pem" 2>/dev/null
  rm "$1.csr"
}
authority nodes-ca
authority stranger-ca
signed node nodes-ca
signed supervisor nodes-ca
signed stranger stranger-ca
openssl pkey -in supervisor.key -aes256 -passout pass:"open sesame" -out supervisor-encrypted.key
touch done
