#!/usr/bin/env bash
# CI: checks the wire contract in protos/ with buf (pinned in tools/buf, installed by npm ci): `buf lint` with the
# rules of buf.yaml, and `buf breaking` against the contract of the last release, protos/released/metrics-v1.binpb
# (an image committed beside the protos, so the check needs neither the network nor a tag). A release that
# changes the contract writes a new baseline: see the README's "The wire contract".
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --prefix tools/buf --no-audit --no-fund --loglevel=error
buf=tools/buf/node_modules/.bin/buf
baseline=protos/released/metrics-v1.binpb

status=0
if $buf lint; then
  echo "buf lint: protos/ follow buf.yaml's rules"
else
  echo "buf lint: protos/ break buf.yaml's rules (above)" >&2
  status=1
fi
if $buf breaking --against "$baseline"; then
  echo "buf breaking: protos/ are compatible with $baseline"
else
  echo "buf breaking: protos/ break the released contract $baseline (above)" >&2
  status=1
fi
exit "$status"
