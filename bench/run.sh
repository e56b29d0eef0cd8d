#!/usr/bin/env bash
# The benchmark: builds the server and the harness (Release), restores the repository's .NET tools (dotnet-gcdump
# for S6), then runs the harness, which starts its own redis-server on a free loopback port and the server nodes
# each scenario needs, prints a table and writes a JSON summary. Everything it starts, it stops.
#
#   bash bench/run.sh                                  # every scenario at full size (a few minutes on 2 cores)
#   bash bench/run.sh --scale 0.01                     # a smoke run of a few seconds per scenario
#   bash bench/run.sh --scenarios FLOOR,S1,S5 --out /tmp/summary.json
#
# Options (passed on to the harness; --help lists them): --scenarios, --scale, --out (default
# bench/results/summary.json; server and Redis logs go to a logs/ folder beside it), --server.
# Needs the .NET 10 SDK and redis-server (Debian: apt-get install redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v redis-server >/dev/null || { echo "bench/run.sh: redis-server is not installed (apt-get install redis-server)" >&2; exit 2; }
dotnet tool restore >/dev/null
dotnet build bench/Metrics.Bench --configuration Release -nologo -v quiet -warnaserror
exec dotnet bench/Metrics.Bench/bin/Release/net10.0/Metrics.Bench.dll "$@"
