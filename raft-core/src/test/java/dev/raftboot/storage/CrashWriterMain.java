package dev.raftboot.storage;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashConsistencyTest}: appends batches to a store forever, each as
 * one synced Ready-sized write, and prints {@code ack <lastIndex> <term> <commit>} only after the
 * write returned. Whatever it printed must survive the kill -9 that ends it. Each batch goes to two
 * groups in one {@link RaftWriteBatch}, so the kill also tests atomicity across groups.
 *
 * <p>Arguments: data directory, seed, and {@code true} to write with tiny write buffers and WAL
 * cap, so that within a few batches memtables flush, write-ahead log files turn over and are
 * recycled: the kill then also lands in a recycled (overwritten) log file, whose stale tail
 * recovery must not replay.
 */
public final class CrashWriterMain {
  static final String GROUP = "crash";

  /** A second group written in the same batch: after any kill both must end at the same index. */
  static final String MIRROR = "crash-mirror";

  /** Options under which WAL files fill, become obsolete and are recycled every few batches. */
  static final RocksDbStoreOptions TURN_OVER_WAL =
      RocksDbStoreOptions.builder()
          .logWriteBufferBytes(64 << 10)
          .maxTotalWalBytes(256 << 10)
          .recycledWalFiles(4)
          // INFO, so that RocksDB's LOG records each file it recycles: the test counts them.
          .dbOptions(o -> o.setInfoLogLevel(org.rocksdb.InfoLogLevel.INFO_LEVEL))
          .build();

  private CrashWriterMain() {}

  /** The payload of an entry: a pure function of index and term, so the parent can check it. */
  static ByteString payload(long index, long term) {
    int size = (int) ((index * 2654435761L) % 700) + 8;
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (index * 31 + term * 7 + i);
    }
    return ByteString.copyFrom(b);
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[1]));
    boolean turnOverWal = args.length > 2 && Boolean.parseBoolean(args[2]);
    RocksDbStore store =
        RocksDbStore.open(dir, turnOverWal ? TURN_OVER_WAL : RocksDbStoreOptions.defaults());
    RocksDbLogStorage log = store.group(GROUP);
    RocksDbLogStorage mirror = store.group(MIRROR);
    if (log.isEmpty()) {
      log.bootstrap(ConfState.newBuilder().addVoters(1).build());
    }
    System.out.println("ready " + log.lastIndex());
    System.out.flush();
    while (true) {
      HardState hs = log.hardState();
      long term = Math.max(1, hs.getTerm()) + (rnd.nextInt(20) == 0 ? 1 : 0);
      long from = log.lastIndex() + 1;
      int n = 1 + rnd.nextInt(32);
      List<Entry> batch = new ArrayList<>(n);
      for (long i = from; i < from + n; i++) {
        batch.add(Entry.newBuilder().setIndex(i).setTerm(term).setData(payload(i, term)).build());
      }
      long last = from + n - 1;
      HardState next = HardState.newBuilder().setTerm(term).setVote(1).setCommit(last).build();
      // Both groups' Readies in one synced write: group commit across groups.
      try (RaftWriteBatch write = store.newBatch()) {
        log.stage(write, next, batch, null);
        mirror.stage(write, next, batch, null);
        write.commit();
      }
      System.out.println("ack " + last + " " + term + " " + last);
      System.out.flush();
      if (rnd.nextInt(15) == 0 && last - 200 >= log.firstIndex()) {
        log.compact(last - 200); // range deletes must be crash-safe too
      }
    }
  }
}
