package dev.raftboot.sample.cluster;

import java.time.Duration;

/**
 * A started node's JVM, wherever it runs (a local process, a process in a network namespace, a
 * container), and the faults a test can apply to it.
 */
interface NodeHandle {
  /** Whether the JVM still runs (paused counts as running). */
  boolean isAlive();

  /** kill -9: the JVM dies at once, losing whatever it had not synced; returns once it is gone. */
  void kill();

  /** SIGTERM, a graceful stop (a leader hands its leadership over first); SIGKILL after grace. */
  void stop(Duration grace);

  /** Freezes the JVM: peers and clients see it hang, it sees no time pass. */
  void pause();

  /** Thaws a paused JVM. */
  void resume();
}
