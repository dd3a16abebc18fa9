package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.core.LogStorage;
import dev.raftboot.core.RaftState;
import dev.raftboot.core.Ready;
import dev.raftboot.core.SnapshotTemporarilyUnavailableException;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.snapshot.SnapshotFile;
import dev.raftboot.storage.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GroupStorage} on disk: the log, hard state and configuration in a group's {@link
 * RocksDbLogStorage}, state-machine images as files in a {@link SnapshotStore}. An image is written
 * (and synced) before the log records that it exists, so a crash never leaves metadata pointing at
 * a missing file.
 */
public final class RocksDbGroupStorage implements GroupStorage {
  private static final Logger log = LoggerFactory.getLogger(RocksDbGroupStorage.class);

  private final RocksDbLogStorage raftLog;
  private final SnapshotStore snapshots;
  private final LogStorage view = new View();

  public RocksDbGroupStorage(RocksDbLogStorage raftLog, SnapshotStore snapshots) {
    this.raftLog = raftLog;
    this.snapshots = snapshots;
  }

  /**
   * Storage for a group that is new when {@code raftLog} is empty: writes its initial members as
   * the first, committed entries of its log (see {@link InitialConfiguration}). With an empty
   * {@code initial} nothing is written: the node joins an existing group, waiting with an empty
   * configuration until a leader replicates to it.
   */
  public static RocksDbGroupStorage bootstrapIfEmpty(
      RocksDbLogStorage raftLog, SnapshotStore snapshots, ConfState initial) {
    if (raftLog.isEmpty() && !initial.equals(ConfState.getDefaultInstance())) {
      List<Entry> entries = InitialConfiguration.entries(initial);
      raftLog.persist(InitialConfiguration.hardState(entries), entries, null);
    }
    return new RocksDbGroupStorage(raftLog, snapshots);
  }

  @Override
  public LogStorage logStorage() {
    return view;
  }

  @Override
  public void persist(Ready ready) {
    ready
        .snapshot()
        .ifPresent(s -> snapshots.write(s.getMetadata(), out -> s.getData().writeTo(out)));
    raftLog.persist(
        ready.hardState().orElse(null),
        ready.entries(),
        ready.snapshot().map(Snapshot::getMetadata).orElse(null));
  }

  @Override
  public void snapshotAndCompact(long index, ConfState confState, byte[] data, long keepEntries) {
    if (index <= raftLog.snapshotMetadata().getIndex()) {
      return;
    }
    SnapshotMetadata meta =
        SnapshotMetadata.newBuilder()
            .setIndex(index)
            .setTerm(raftLog.term(index))
            .setConfState(confState)
            .build();
    snapshots.write(meta, out -> out.write(data));
    raftLog.createSnapshot(index, confState);
    // The state machine restarts from this image: the configuration in force is the image's.
    raftLog.setApplied(index, confState);
    long compactTo = index - keepEntries;
    if (compactTo > raftLog.firstIndex()) {
      raftLog.compact(compactTo);
    }
  }

  /** The log as the consensus module reads it; snapshots come with their image. */
  private final class View implements LogStorage {
    @Override
    public RaftState initialState() {
      return raftLog.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
      return raftLog.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
      return raftLog.term(index);
    }

    @Override
    public long firstIndex() {
      return raftLog.firstIndex();
    }

    @Override
    public long lastIndex() {
      return raftLog.lastIndex();
    }

    /**
     * The latest snapshot with its image read from its file. (The image is held in memory while it
     * is sent; streaming it from the file is the transport's next step.)
     */
    @Override
    public Snapshot snapshot(long requestIndex) {
      Snapshot meta = raftLog.snapshot(requestIndex);
      long index = meta.getMetadata().getIndex();
      if (index == 0) {
        return meta;
      }
      for (SnapshotFile f : snapshots.list()) {
        if (f.index() == index) {
          try (InputStream in = snapshots.openData(f)) {
            return meta.toBuilder().setData(ByteString.readFrom(in)).build();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + f.path(), e);
          }
        }
      }
      log.error("snapshot {} is recorded in the log but its image file is missing", index);
      throw new SnapshotTemporarilyUnavailableException();
    }
  }
}
