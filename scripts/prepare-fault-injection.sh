#!/usr/bin/env bash
# Sets up what the fault-injection tests of sample-app need; the build runs it (exec-maven-plugin,
# pre-integration-test), so `./mvnw -B verify` alone does all set-up on a fresh machine.
#
# The cluster tests of real processes inject network faults with iptables inside network
# namespaces (ClusterPartitionsIT) and run nodes in containers (ContainerClusterIT, Testcontainers).
# Run as root on a Debian-like machine, this installs and starts what those need (iptables, Docker's
# engine); elsewhere it leaves the machine alone and those tests skip, saying why. It never fails
# the build.
set -uo pipefail

prepare_fault_injection() {
  if [ "$(id -u)" != 0 ]; then
    echo "fault injection: not root: network-namespace and container tests will skip"
    return 0
  fi
  local missing=()
  command -v iptables >/dev/null || missing+=(iptables)
  command -v nsenter >/dev/null || missing+=(util-linux)
  command -v dockerd >/dev/null || missing+=(docker.io)
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
      echo "fault injection: no apt-get to install ${missing[*]}: the tests that need them will skip"
      return 0
    fi
    echo "fault injection: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -qq update && apt-get -qq install -y "${missing[@]}" >/dev/null
  fi
  if [ ! -S /var/run/docker.sock ] || ! docker info >/dev/null 2>&1; then
    # vfs: works on any file system, including the overlay this may itself run on.
    local log="${TMPDIR:-/tmp}/raftboot-dockerd.log"
    echo "fault injection: starting dockerd (log: $log)"
    nohup dockerd --storage-driver=vfs </dev/null >"$log" 2>&1 &
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
  fi
}

prepare_fault_injection || echo "fault-injection set-up failed: the tests that need it will skip"
exit 0
