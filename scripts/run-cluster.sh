#!/usr/bin/env bash
# Builds the sample app and runs a three-node Raft Boot cluster on loopback until Ctrl-C.
#
#   scripts/run-cluster.sh            # build, start nodes 1-3, wait for a leader
#   scripts/run-cluster.sh --clean    # the same, after deleting the nodes' data
#   SKIP_BUILD=1 scripts/run-cluster.sh
#
# Node i serves HTTP on port 808i and peer traffic on 707i (override the bases with HTTP_PORT_BASE
# and RAFT_PORT_BASE); its data lives in data/cluster/node-i (CLUSTER_DIR), its log next to it.
# Data survives a restart of the script: the nodes come back with their state.
set -euo pipefail
cd "$(dirname "$0")/.."

NODES=3
HTTP_PORT_BASE=${HTTP_PORT_BASE:-8080}
RAFT_PORT_BASE=${RAFT_PORT_BASE:-7070}
CLUSTER_DIR=${CLUSTER_DIR:-data/cluster}
JAR=sample-app/target/sample-app.jar
# Small heaps and C1 only: three JVMs start quickly side by side on a laptop.
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}

command -v java >/dev/null || { echo "java (17 or later) is needed on the PATH" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed on the PATH" >&2; exit 1; }

if [[ "${1:-}" == "--clean" ]]; then
  rm -rf "$CLUSTER_DIR"
fi

if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "Building the sample app (./mvnw -B -q -pl sample-app -am package -DskipTests) ..."
  ./mvnw -B -q -pl sample-app -am package -DskipTests
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

members=""
urls=""
for i in $(seq 1 $NODES); do
  for port in $((HTTP_PORT_BASE + i)) $((RAFT_PORT_BASE + i)); do
    if port_in_use "$port"; then
      echo "port $port is in use; stop what uses it or set HTTP_PORT_BASE / RAFT_PORT_BASE" >&2
      exit 1
    fi
  done
  members+="${members:+,}$i=127.0.0.1:$((RAFT_PORT_BASE + i))"
  urls+="${urls:+,}$i=http://127.0.0.1:$((HTTP_PORT_BASE + i))"
done

pids=()
stop_all() {
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    echo
    echo "Stopping the nodes (a leader hands its leadership over first) ..."
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  echo "Stopped. Data kept in $CLUSTER_DIR (--clean deletes it)."
}
trap stop_all INT TERM EXIT

mkdir -p "$CLUSTER_DIR"
for i in $(seq 1 $NODES); do
  dir="$CLUSTER_DIR/node-$i"
  mkdir -p "$dir"
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  java $JAVA_OPTS -jar "$JAR" \
    --server.port=$((HTTP_PORT_BASE + i)) \
    --raft.node-id="$i" \
    --raft.members="$members" \
    --raft.transport.port=$((RAFT_PORT_BASE + i)) \
    --raft.data-dir="$dir/raft" \
    --sample.http-urls="$urls" \
    --management.endpoint.raft.access=unrestricted \
    >"$dir/node.log" 2>&1 &
  pids+=($!)
  printf 'node %d: pid %-7d http://127.0.0.1:%d  peers 127.0.0.1:%d  data %s  log %s\n' \
    "$i" "$!" $((HTTP_PORT_BASE + i)) $((RAFT_PORT_BASE + i)) "$dir/raft" "$dir/node.log"
done

role_of() { # the kv group's role on node $1, or nothing while it does not answer
  curl -fs --max-time 2 "http://127.0.0.1:$((HTTP_PORT_BASE + $1))/actuator/raft/kv" 2>/dev/null \
    | grep -o '"role":"[A-Z_]*"' | head -1 | cut -d'"' -f4 || true
}

echo "Waiting for a leader ..."
leader=""
for _ in $(seq 1 240); do
  for i in $(seq 1 $NODES); do
    if ! kill -0 "${pids[$((i - 1))]}" 2>/dev/null; then
      echo "node $i exited; the end of its log:" >&2
      tail -n 30 "$CLUSTER_DIR/node-$i/node.log" >&2
      exit 1
    fi
    if [[ "$(role_of "$i")" == "LEADER" ]]; then
      leader=$i
    fi
  done
  [[ -n "$leader" ]] && break
  sleep 0.5
done
if [[ -z "$leader" ]]; then
  echo "no leader after 120 s; see the logs in $CLUSTER_DIR" >&2
  exit 1
fi

l=$((HTTP_PORT_BASE + leader))
f=$((HTTP_PORT_BASE + (leader % NODES) + 1))
cat <<TXT

Node $leader leads the kv group (http://127.0.0.1:$l). Try:

  curl -s -X PUT http://127.0.0.1:$l/kv/greeting -H 'Content-Type: application/json' -d '"hello"'
  curl -s http://127.0.0.1:$f/kv/greeting                          # from a follower, linearizable
  curl -s 'http://127.0.0.1:$f/kv/greeting?consistency=stale'      # this node's state, no round trip
  curl -s -X POST http://127.0.0.1:$f/kv/greeting/cas -H 'Content-Type: application/json' \\
       -d '{"expect": "hello", "update": "bonjour"}'                 # forwarded to the leader
  curl -s -X DELETE http://127.0.0.1:$l/kv/greeting
  curl -s http://127.0.0.1:$f/jobs                                 # the @ScheduledOnce job log
  curl -s http://127.0.0.1:$l/actuator/raft                        # groups, members, jobs
  curl -s http://127.0.0.1:$l/actuator/health
  curl -s http://127.0.0.1:$l/actuator/prometheus | grep '^raft_'
  curl -s -X POST http://127.0.0.1:$l/actuator/raft/kv -H 'Content-Type: application/json' \\
       -d '{"operation": "transfer-leadership", "nodeId": $(((leader % NODES) + 1))}'

Kill a node (kill -9 <pid> from the list above) and watch another take over.
Ctrl-C stops all three.
TXT

wait
