#!/usr/bin/env bash
# CI: checks that docker-compose.yml is a valid compose file. Needs no Docker engine: installs Debian's
# docker-compose (1.29) when it is missing and runs `docker-compose config` on the file.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null; then
  echo "installing docker-compose (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi

# `config` interpolates and validates the file; its output (the resolved file) is not needed here.
if docker-compose -f docker-compose.yml config --quiet; then
  echo "docker-compose.yml is valid ($(docker-compose version --short))"
else
  echo "docker-compose.yml is NOT valid" >&2
  exit 1
fi
