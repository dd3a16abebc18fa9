package dev.raftboot.storage.tools;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RaftWriteBatch;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.RocksDbStoreOptions;
import dev.raftboot.storage.StorageException;
import dev.raftboot.storage.StoreLockedException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Disaster recovery when a group has lost its quorum for good: rewrites one surviving node's store
 * so that it restarts as the single voter of a new configuration, keeping every committed entry.
 *
 * <pre>
 * java -cp ... dev.raftboot.storage.tools.ForceNewCluster --data-dir DIR --group G --node-id N
 *     [--confirm]
 * </pre>
 *
 * What it does, in one synced write: drops the entries after the commit index (nobody can tell
 * whether they would have committed), turns every configuration-change entry still in the log into
 * an empty entry (so replaying the log cannot bring the old members back), and records {@code
 * voters=[N]} as the configuration at the applied index. Without {@code --confirm} it only prints
 * the plan. This can lose acknowledged writes that reached a quorum not including this node; it is
 * the last resort, and says so. It refuses to run while the store is open (exit code 2).
 */
public final class ForceNewCluster {
  private ForceNewCluster() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool; returns the exit code (0 done or dry run, 1 error, 2 store in use). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    ToolArgs a;
    long nodeId;
    try {
      a = ToolArgs.parse(args, Set.of("--data-dir", "--group", "--node-id"), Set.of("--confirm"));
      a.required("--data-dir");
      a.required("--group");
      nodeId = a.longValue("--node-id", 0);
      if (nodeId <= 0) {
        throw new IllegalArgumentException("--node-id must be a positive node id");
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("usage: ForceNewCluster --data-dir DIR --group G --node-id N [--confirm]");
      return 1;
    }
    RocksDbStoreOptions options =
        RocksDbStoreOptions.builder().createIfMissing(false).tailCacheBytesPerGroup(0).build();
    try (RocksDbStore store = RocksDbStore.open(Path.of(a.get("--data-dir")), options)) {
      RocksDbLogStorage log = store.group(a.get("--group"));
      if (log.isEmpty()) {
        err.println("error: group '" + log.groupId() + "' has nothing stored");
        return 1;
      }
      return rewrite(store, log, nodeId, a.flag("--confirm"), out, err);
    } catch (StoreLockedException e) {
      err.println(
          "refusing to run: "
              + e.dataDir()
              + " is in use (RocksDB LOCK is held). Stop the node that owns it first.");
      return 2;
    } catch (StorageException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static int rewrite(
      RocksDbStore store,
      RocksDbLogStorage log,
      long nodeId,
      boolean confirm,
      PrintStream out,
      PrintStream err) {
    HardState hs = log.hardState();
    long commit = hs.getCommit();
    long first = log.firstIndex();
    long last = log.lastIndex();
    if (commit < first - 1) {
      err.println("error: commit index " + commit + " is below the compacted log; cannot rewrite");
      return 1;
    }
    List<Entry> kept = commit >= first ? log.entries(first, commit + 1, Long.MAX_VALUE) : List.of();
    List<Long> neutralized = new ArrayList<>();
    long rewriteFrom = Long.MAX_VALUE;
    List<Entry> rewritten = new ArrayList<>(kept.size());
    for (Entry e : kept) {
      if (e.getType() != EntryType.ENTRY_NORMAL) {
        neutralized.add(e.getIndex());
        rewriteFrom = Math.min(rewriteFrom, e.getIndex());
        e = Entry.newBuilder().setIndex(e.getIndex()).setTerm(e.getTerm()).build();
      }
      rewritten.add(e);
    }
    if (last > commit) {
      if (commit < first) {
        err.println("error: every entry after the compaction point is uncommitted; cannot rewrite");
        return 1;
      }
      rewriteFrom = Math.min(rewriteFrom, commit); // re-appending up to commit drops the rest
    }
    ConfState single = ConfState.newBuilder().addVoters(nodeId).build();
    err.println("WARNING: ForceNewCluster rewrites group '" + log.groupId() + "' on this node.");
    err.println("WARNING: every other member is forgotten; the group restarts with one voter.");
    err.println("WARNING: writes acknowledged by a quorum without this node may be lost.");
    out.println("current configuration: " + EntryFormat.confState(log.confState()));
    out.println("new configuration:     voters=[" + nodeId + "]");
    out.println("hard state:            " + EntryFormat.hardState(hs));
    out.println("uncommitted entries dropped: " + Math.max(0, last - commit));
    out.println("conf change entries emptied: " + neutralized);
    if (!confirm) {
      out.println("dry run: nothing written. Re-run with --confirm to apply.");
      return 0;
    }
    List<Entry> toWrite =
        rewriteFrom == Long.MAX_VALUE
            ? List.of()
            : rewritten.subList((int) (rewriteFrom - first), rewritten.size());
    // One synced write: a crash leaves the old state or the new one, never the entries rewritten
    // under the old configuration.
    try (RaftWriteBatch b = store.newBatch()) {
      log.stage(b, hs, toWrite, null);
      // Never below the snapshot: the node restarts from its image.
      long applied =
          Math.max(log.snapshotMetadata().getIndex(), Math.min(log.appliedIndex(), commit));
      log.stageApplied(b, applied, single);
      b.commit();
    }
    out.println(
        "done: group '"
            + log.groupId()
            + "' now has voters=["
            + nodeId
            + "]; start node "
            + nodeId
            + " and add members back one by one.");
    return 0;
  }
}
