package dev.raftboot.storage.tools;

import dev.raftboot.proto.Entry;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.RocksDbStoreOptions;
import dev.raftboot.storage.StorageCorruptionException;
import dev.raftboot.storage.StorageException;
import dev.raftboot.storage.StoreLockedException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Prints what a node's store holds: for each group, its hard state, configuration, applied index,
 * snapshot metadata, log range and decoded entries.
 *
 * <pre>
 * java -cp raft-core.jar:... dev.raftboot.storage.tools.RaftDump --data-dir DIR
 *     [--group G] [--from N] [--to M]
 * </pre>
 *
 * Without {@code --from}/{@code --to} it prints the last {@value #DEFAULT_TAIL} entries of each
 * log. It refuses to run while the node (or anything else) has the store open: RocksDB's lock
 * guarantees the dump never reads a store that is being written. Exit codes: 0 success, 1 bad
 * arguments or unreadable store, 2 store in use, 3 corruption found.
 */
public final class RaftDump {
  static final int DEFAULT_TAIL = 50;

  private RaftDump() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the dump; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    ToolArgs a;
    try {
      a = ToolArgs.parse(args, Set.of("--data-dir", "--group", "--from", "--to"), Set.of());
      a.required("--data-dir");
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(
          "usage: RaftDump --data-dir DIR [--group G] [--from N] [--to M]   (entries N..M"
              + " inclusive)");
      return 1;
    }
    Path dir = Path.of(a.get("--data-dir"));
    RocksDbStoreOptions options =
        RocksDbStoreOptions.builder().createIfMissing(false).tailCacheBytesPerGroup(0).build();
    try (RocksDbStore store = RocksDbStore.open(dir, options)) {
      List<String> groups = a.get("--group") != null ? List.of(a.get("--group")) : store.groupIds();
      out.println("store " + store.dataDir() + ": " + groups.size() + " group(s)");
      int code = 0;
      for (String g : groups) {
        try {
          dumpGroup(store.group(g), a, out);
        } catch (StorageCorruptionException e) {
          out.println("  CORRUPT: " + e.getMessage());
          code = 3;
        }
      }
      return code;
    } catch (StoreLockedException e) {
      err.println(
          "refusing to run: "
              + e.dataDir()
              + " is in use (RocksDB LOCK is held). Stop the node that owns it, then retry.");
      return 2;
    } catch (StorageException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static void dumpGroup(RocksDbLogStorage log, ToolArgs a, PrintStream out) {
    out.println();
    out.println("group '" + log.groupId() + "'");
    out.println("  hard state:    " + EntryFormat.hardState(log.hardState()));
    out.println("  conf state:    " + EntryFormat.confState(log.confState()));
    out.println("  applied index: " + log.appliedIndex());
    out.println("  snapshot:      " + EntryFormat.snapshot(log.snapshotMetadata()));
    long first = log.firstIndex();
    long last = log.lastIndex();
    out.println(
        "  log:           first="
            + first
            + " last="
            + last
            + " ("
            + (last - first + 1)
            + " entries; term of "
            + (first - 1)
            + " is "
            + log.term(first - 1)
            + ")");
    long from = Math.max(first, a.longValue("--from", last - DEFAULT_TAIL + 1));
    long to = Math.min(last, a.longValue("--to", last));
    if (from > to) {
      out.println("  entries:       none in range");
      return;
    }
    out.println("  entries " + from + ".." + to + ":");
    // Page through the range so a long dump never holds the whole log in memory.
    for (long lo = from; lo <= to; ) {
      List<Entry> page = log.entries(lo, Math.min(to, lo + 1023) + 1, 4L << 20);
      for (Entry e : page) {
        out.println("  " + EntryFormat.entry(e));
      }
      lo += page.size();
    }
  }
}
