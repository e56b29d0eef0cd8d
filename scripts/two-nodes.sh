#!/usr/bin/env bash
# The Redis deployment on one machine without Docker: a redis-server on a loopback port and two server nodes
# (scripts/node.sh 1 and 2) forming one Orleans cluster over it. Waits until both nodes answer, prints their
# addresses, then runs until Ctrl-C or SIGTERM; it then stops the processes it started and deletes its
# temporary directory (Redis data and logs included).
#
#   scripts/two-nodes.sh [--no-build] [--appendfsync always|everysec]
#
#   --no-build          use the server already built in services/Metrics.Server/bin/Release/net10.0
#   --appendfsync MODE  Redis fsync policy of the append-only file: everysec (default) or always
#
#   node 1: gRPC 127.0.0.1:5001  JSON 127.0.0.1:5000  silo 11111  gateway 30000
#   node 2: gRPC 127.0.0.1:5011  JSON 127.0.0.1:5010  silo 11112  gateway 30001
#   a third node joins with: METRICS_REDIS=127.0.0.1:6380 scripts/node.sh 3   (gRPC 5021, JSON 5020)
#
# Environment:
#   METRICS_REDIS_PORT     loopback port of redis-server (default 6380)
#   METRICS_APPENDFSYNC    same as --appendfsync
#   METRICS_CLUSTER_ID     Orleans cluster ID (default metrics)
#   METRICS_START_TIMEOUT  seconds to wait for the nodes to answer (default 90)
#   METRICS_READY_KEY      server secret used to ask the nodes for GET /v1/readiness (default secret-dev)
# Projects and keys: the usual environment variables (Metrics__Projects__...); without them the nodes serve
# project "default" with server secret secret-dev and ingest key ingest-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

build=1
appendfsync=${METRICS_APPENDFSYNC:-everysec}
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --appendfsync)
      [ $# -ge 2 ] || { echo "two-nodes.sh: --appendfsync needs always or everysec" >&2; exit 2; }
      appendfsync=$2
      shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "two-nodes.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case $appendfsync in
  always | everysec) ;;
  *) echo "two-nodes.sh: appendfsync must be always or everysec, not '$appendfsync'" >&2; exit 2 ;;
esac
redis_port=${METRICS_REDIS_PORT:-6380}
timeout=${METRICS_START_TIMEOUT:-90}
ready_key=${METRICS_READY_KEY:-secret-dev}
export METRICS_CLUSTER_ID=${METRICS_CLUSTER_ID:-metrics}
export METRICS_REDIS=127.0.0.1:$redis_port

for command in redis-server redis-cli dotnet curl; do
  command -v "$command" >/dev/null || { echo "two-nodes.sh: $command is not installed" >&2; exit 1; }
done
if (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; then
  echo "two-nodes.sh: port $redis_port is already in use; choose another with METRICS_REDIS_PORT" >&2
  exit 1
fi

if [ "$build" -eq 1 ]; then
  echo "building the server (Release)"
  dotnet build "$root/services/Metrics.Server" -c Release -nologo -v quiet
fi

# Job control puts every process started below in its own process group, so that Ctrl-C in the terminal
# reaches this script only, and the nodes are stopped before the Redis they use.
set -m
work=$(mktemp -d "${TMPDIR:-/tmp}/metrics-two-nodes.XXXXXX")
names=()
pids=()
logs=()

running() { # a process of ours that has exited but is not yet reaped is not running
  [ -r "/proc/$1/stat" ] || return 1
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop() { # PID NAME: SIGTERM, SIGKILL after 30 seconds
  local pid=$1 name=$2 tenths=0
  if running "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    while running "$pid" && [ "$tenths" -lt 300 ]; do
      sleep 0.1
      tenths=$((tenths + 1))
    done
    if running "$pid"; then
      echo "$name (pid $pid) did not stop within 30 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM
  local i
  # Nodes first (they leave the cluster through Redis), in reverse order, then Redis.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop "${pids[i]}" "${names[i]}"
  done
  rm -rf "$work"
  echo "stopped; removed $work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { # MESSAGE LOG
  echo "two-nodes.sh: $1; last lines of $2:" >&2
  tail -n 30 "$2" >&2 || true
  exit 1
}

mkdir "$work/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --appendonly yes \
  --appendfsync "$appendfsync" --save "" >"$work/redis.log" 2>&1 &
names+=(redis) pids+=($!) logs+=("$work/redis.log")
for ((i = 0; ; i++)); do
  [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
  running "${pids[0]}" || fail "redis-server stopped" "$work/redis.log"
  [ "$i" -lt 100 ] || fail "redis-server does not answer on port $redis_port" "$work/redis.log"
  sleep 0.1
done

for node in 1 2; do
  bash "$root/scripts/node.sh" "$node" >"$work/node$node.log" 2>&1 &
  names+=("node$node") pids+=($!) logs+=("$work/node$node.log")
done

deadline=$((SECONDS + timeout))
for node in 1 2; do
  json_port=$((5000 + 10 * (node - 1)))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "statsig-api-key: $ready_key" \
    "http://127.0.0.1:$json_port/v1/readiness")" = 200 ]; do
    running "${pids[node]}" || fail "node $node stopped" "$work/node$node.log"
    [ "$SECONDS" -lt "$deadline" ] || fail "node $node did not answer within $timeout s" "$work/node$node.log"
    sleep 0.5
  done
done

cat <<INFO
two nodes are up, one Orleans cluster (ID $METRICS_CLUSTER_ID) over Redis 127.0.0.1:$redis_port (appendfsync $appendfsync)
  node 1: gRPC 127.0.0.1:5001  JSON http://127.0.0.1:5000  pid ${pids[1]}  log $work/node1.log
  node 2: gRPC 127.0.0.1:5011  JSON http://127.0.0.1:5010  pid ${pids[2]}  log $work/node2.log
  redis:  127.0.0.1:$redis_port  pid ${pids[0]}  log $work/redis.log  data $work/redis
a third node joins with: METRICS_REDIS=127.0.0.1:$redis_port METRICS_CLUSTER_ID=$METRICS_CLUSTER_ID scripts/node.sh 3
Ctrl-C stops everything started here and deletes $work
INFO

# Runs until a signal arrives or one of the processes ends on its own.
status=0
wait -n "${pids[@]}" || status=$?
for i in "${!pids[@]}"; do
  running "${pids[i]}" || fail "${names[i]} stopped on its own (status $status)" "${logs[i]}"
done
