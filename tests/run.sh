#!/usr/bin/env bash
# Runs every test: installs the Node client example's packages (its test runs it) and the repository's .NET
# tools (the benchmark's smoke test runs dotnet-gcdump), builds the console from
# web/console into the server's wwwroot (the browser tests drive that build), builds, runs all suites in
# the embedded mode, then the end-to-end suite again against the Redis deployment (each server on a
# redis-server of its own; the Redis-deployment-only tests already ran in the first pass) and, at the same time, a
# third time with each server on a Redis Cluster of three masters of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --prefix examples/node --no-audit --no-fund --loglevel=error
npm ci --prefix web/console --no-audit --no-fund --loglevel=error
npm run build --prefix web/console --silent
dotnet tool restore >/dev/null # dotnet-gcdump, which the benchmark's smoke test runs for S6
dotnet build Metrics.sln --configuration Release -warnaserror

status=0
echo "==> All tests but the benchmark's smoke test, servers in the embedded mode (METRICS_TEST_STORAGE=embedded)"
METRICS_TEST_STORAGE=embedded dotnet test Metrics.sln --configuration Release --no-build --filter "Category!=Bench" "$@" || status=$?
# Then three runs at once, each mostly waiting for its own servers and Redis: the end-to-end suite on Redis, the same
# on Redis Clusters, and the benchmark harness at a tiny scale. Each run's output is printed when it has ended.
runs=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null' INT TERM
extra=("$@")
start() { # name, storage, filter
  METRICS_TEST_STORAGE=$2 dotnet test tests/Metrics.Server.Tests --configuration Release --no-build --filter "$3" "${extra[@]}" \
    > "$runs/$1.log" 2>&1 &
  echo $! > "$runs/$1.pid"
}
start redis redis "Category!=RedisDeployment&Category!=Bench"
start redis-cluster redis-cluster "Category!=RedisDeployment&Category!=Bench"
start bench embedded "Category=Bench"
for run in redis redis-cluster bench; do
  wait "$(cat "$runs/$run.pid")" || status=$?
  case $run in
    bench) echo "==> The benchmark harness at a tiny scale (BenchSmokeTests)" ;;
    *) echo "==> End-to-end tests again, servers on $run (METRICS_TEST_STORAGE=$run)" ;;
  esac
  cat "$runs/$run.log"
done
rm -rf "$runs"
exit "$status"
