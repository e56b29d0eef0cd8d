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
echo "==> All tests, servers in the embedded mode (METRICS_TEST_STORAGE=embedded)"
METRICS_TEST_STORAGE=embedded dotnet test Metrics.sln --configuration Release --no-build "$@" || status=$?
# The two passes on Redis run at once (each test's servers have a Redis of their own); each prints when both ended.
passes=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null' INT TERM
for storage in redis redis-cluster; do
  METRICS_TEST_STORAGE=$storage dotnet test tests/Metrics.Server.Tests --configuration Release --no-build \
    --filter "Category!=RedisDeployment" "$@" > "$passes/$storage.log" 2>&1 &
  echo $! > "$passes/$storage.pid"
done
for storage in redis redis-cluster; do
  wait "$(cat "$passes/$storage.pid")" || status=$?
  echo "==> End-to-end tests again, servers on $storage (METRICS_TEST_STORAGE=$storage)"
  cat "$passes/$storage.log"
done
rm -rf "$passes"
exit "$status"
