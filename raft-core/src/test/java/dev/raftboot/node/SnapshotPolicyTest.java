package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.testkit.KvStateMachine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Snapshots are taken by policy: after {@code snapshotEvery} applied entries, or earlier once the
 * applied entries carried {@code snapshotEveryBytes}, so a group with large entries keeps a log
 * bounded in bytes.
 */
class SnapshotPolicyTest {
  private static final int VALUE_BYTES = 1024;
  private static final int WRITES = 40;

  private static GroupOptions options(long everyBytes) {
    return new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(5), 1_000_000, 0)
        .withSnapshotEveryBytes(everyBytes);
  }

  /** Writes {@value #WRITES} values of {@value #VALUE_BYTES} bytes through the leader. */
  private static void writeLargeValues(LocalCluster c) throws Exception {
    long leader = c.awaitLeader();
    for (int i = 0; i < WRITES; i++) {
      byte[] put = KvStateMachine.command((byte) 1, "k" + i, "x".repeat(VALUE_BYTES), null);
      c.groups.get(leader).propose(put).get(20, TimeUnit.SECONDS);
    }
    for (long id : c.groups.keySet()) {
      LocalCluster.await(
          () -> c.groups.get(id).appliedIndex() >= c.groups.get(leader).appliedIndex(),
          "node " + id + " to apply every write");
    }
  }

  @Test
  void largeEntriesMakeASnapshotDueLongBeforeTheEntryCount() throws Exception {
    try (LocalCluster c = LocalCluster.of(3, options(16 * 1024))) {
      writeLargeValues(c);
      // 40 KiB of payloads against a 16 KiB budget: two snapshots on every node, each compacting
      // the log behind it, though the entry count (1,000,000) is nowhere near.
      for (long id : c.groups.keySet()) {
        LocalCluster.await(
            () -> c.groups.get(id).stats().snapshotsTaken() >= 2,
            "node " + id + " to snapshot twice");
        assertThat(c.storages.get(id).memory().firstIndex()).isGreaterThan(WRITES / 2);
      }
    }
  }

  @Test
  void entriesBelowTheByteBudgetWaitForTheEntryCount() throws Exception {
    try (LocalCluster c = LocalCluster.of(3, options(GroupOptions.DEFAULT_SNAPSHOT_EVERY_BYTES))) {
      writeLargeValues(c);
      for (long id : c.groups.keySet()) {
        assertThat(c.groups.get(id).stats().snapshotsTaken()).isZero();
        assertThat(c.storages.get(id).memory().firstIndex()).isEqualTo(1);
      }
    }
  }
}
