#!/usr/bin/env bash
# Runs every test: installs the Node client example's packages (its test runs it), builds, runs all suites.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --prefix examples/node --no-audit --no-fund --loglevel=error
dotnet build Metrics.sln --configuration Release -warnaserror
dotnet test Metrics.sln --configuration Release --no-build "$@"
