package dev.raftboot.sample.cluster;

import java.util.List;

/** The iptables commands partitions are made of, run in the sending node's network namespace. */
final class Iptables {
  /** Removes every cut of the namespace it runs in. */
  static final List<String> FLUSH = List.of("iptables", "-w", "-F", "OUTPUT");

  private Iptables() {}

  /**
   * Drops the packets this namespace sends to {@code host}'s Raft port: its messages to that peer
   * are lost, while the peer's stream to it (a connection the peer opened) still delivers.
   */
  static List<String> dropTo(String host, int raftPort) {
    return List.of(
        "iptables",
        "-w",
        "-A",
        "OUTPUT",
        "-d",
        host,
        "-p",
        "tcp",
        "--dport",
        Integer.toString(raftPort),
        "-j",
        "DROP");
  }
}
