#!/usr/bin/env bash
# Runs every test: what CI runs (.ci/run) and what the README names.
#
# The cluster tests of real processes inject network faults with iptables inside network
# namespaces (ClusterPartitionsIT) and run nodes in containers (ContainerClusterIT, Testcontainers).
# Run as root on a Debian-like machine, this script first installs and starts what those need
# (iptables, Docker's engine); elsewhere it leaves the machine alone and those tests skip, saying
# why. Extra arguments go to Maven, e.g. scripts/test.sh -Pslow.
set -euo pipefail
cd "$(dirname "$0")/.."

prepare_fault_injection() {
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: not root: network-namespace and container tests will skip"
    return 0
  fi
  local missing=()
  command -v iptables >/dev/null || missing+=(iptables)
  command -v nsenter >/dev/null || missing+=(util-linux)
  command -v dockerd >/dev/null || missing+=(docker.io)
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
      echo "test.sh: no apt-get to install ${missing[*]}: the tests that need them will skip"
      return 0
    fi
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -qq update && apt-get -qq install -y "${missing[@]}" >/dev/null
  fi
  if [ ! -S /var/run/docker.sock ] || ! docker info >/dev/null 2>&1; then
    # vfs: works on any file system, including the overlay this may itself run on.
    local log="${TMPDIR:-/tmp}/raftboot-dockerd.log"
    echo "test.sh: starting dockerd (log: $log)"
    nohup dockerd --storage-driver=vfs >"$log" 2>&1 &
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
  fi
}

prepare_fault_injection || echo "test.sh: fault-injection set-up failed: the tests that need it will skip"
exec ./mvnw -B verify "$@"
