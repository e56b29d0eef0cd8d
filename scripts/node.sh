#!/usr/bin/env bash
# Runs one server node of the Redis deployment in the foreground; Ctrl-C stops it.
#
#   scripts/node.sh N [server arguments...]
#
# Node N (1, 2, 3, ...) listens on 127.0.0.1 with ports offset by N, so that nodes share one machine:
#   gRPC 5001+10(N-1)   JSON 5000+10(N-1)   admin 9463+N   Orleans silo 11110+N   Orleans gateway 29999+N
#   node 1: 5001 5000 9464 11111 30000   node 2: 5011 5010 9465 11112 30001   node 3: 5021 5020 9466 11113 30002
# A node joins the cluster of every other node using the same Redis and cluster ID, e.g. a third node next
# to scripts/two-nodes.sh:
#   METRICS_REDIS=127.0.0.1:6380 scripts/node.sh 3
#
# Environment:
#   METRICS_REDIS               Redis connection string (default 127.0.0.1:6380, the Redis of two-nodes.sh)
#   METRICS_CLUSTER_ID          Orleans cluster ID (default metrics)
#   METRICS_ADVERTISED_ADDRESS  address other nodes reach this one on (default 127.0.0.1)
#   METRICS_LISTEN_ADDRESS      address the gRPC and JSON endpoints listen on (default 127.0.0.1)
#   METRICS_SERVER_DLL          the server to run (default services/Metrics.Server/bin/Release/net10.0/Metrics.Server.dll,
#                               built by `dotnet build services/Metrics.Server -c Release`)
# Other configuration goes through the usual environment variables (Metrics__Projects__...) or as arguments
# after N (--Metrics:Logstream:MaxEntries=1000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  usage
  [ $# -ge 1 ] && exit 0
  exit 2
fi
node=$1
shift
if ! [[ $node =~ ^[1-9][0-9]?$ ]]; then
  echo "node.sh: the node number must be 1 to 99, not '$node'" >&2
  exit 2
fi

grpc_port=$((5001 + 10 * (node - 1)))
json_port=$((5000 + 10 * (node - 1)))
admin_port=$((9463 + node))
silo_port=$((11110 + node))
gateway_port=$((29999 + node))
listen=${METRICS_LISTEN_ADDRESS:-127.0.0.1}
dll=${METRICS_SERVER_DLL:-$root/services/Metrics.Server/bin/Release/net10.0/Metrics.Server.dll}

if [ ! -f "$dll" ]; then
  echo "node.sh: $dll not found; build it with: dotnet build services/Metrics.Server -c Release" >&2
  exit 1
fi
for port in "$grpc_port" "$json_port" "$admin_port" "$silo_port" "$gateway_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "node.sh: port $port is already in use; is node $node already running?" >&2
    exit 1
  fi
done

export Metrics__Redis=${METRICS_REDIS:-127.0.0.1:6380}
export Metrics__Orleans__ClusterId=${METRICS_CLUSTER_ID:-metrics}
export Metrics__Orleans__AdvertisedAddress=${METRICS_ADVERTISED_ADDRESS:-127.0.0.1}
export Metrics__Orleans__SiloPort=$silo_port
export Metrics__Orleans__GatewayPort=$gateway_port
export Kestrel__Endpoints__Grpc__Url=http://$listen:$grpc_port
export Kestrel__Endpoints__Json__Url=http://$listen:$json_port
# The admin endpoint (/metrics, /healthz, /readyz) stays on loopback unless told otherwise.
export Kestrel__Endpoints__Admin__Url=http://${METRICS_ADMIN_LISTEN_ADDRESS:-127.0.0.1}:$admin_port

echo "node $node: gRPC $listen:$grpc_port, JSON $listen:$json_port, admin $admin_port, silo $silo_port, gateway $gateway_port," \
  "Redis $Metrics__Redis, cluster $Metrics__Orleans__ClusterId, advertised as $Metrics__Orleans__AdvertisedAddress"
# The server's directory is its content root: its appsettings.json sets the endpoint protocols and log levels.
cd "$(dirname "$dll")"
exec dotnet "$(basename "$dll")" "$@"
