package dev.raftboot.node;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.Ready;
import dev.raftboot.core.SnapshotTemporarilyUnavailableException;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.snapshot.SnapshotFile;
import dev.raftboot.storage.snapshot.SnapshotStore;
import dev.raftboot.storage.snapshot.SnapshotWriter;
import dev.raftboot.transport.SnapshotImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GroupStorage} on disk: the log, hard state and configuration in a group's {@link
 * RocksDbLogStorage}, state-machine images as files in a {@link SnapshotStore}. An image is written
 * (and synced) before the log records that it exists, so a crash never leaves metadata pointing at
 * a missing file. Images are only ever streamed: written by the state machine straight into their
 * file, sent to followers from it, received into the store's directory and moved into place.
 */
public final class RocksDbGroupStorage implements GroupStorage {
  private static final Logger log = LoggerFactory.getLogger(RocksDbGroupStorage.class);

  private final RocksDbLogStorage raftLog;
  private final SnapshotStore snapshots;
  private final LogStorage view;
  private final WriteCoordinator writes;
  // Images this node wrote on the apply executor, sealed, waiting for the loop to record them.
  private final ConcurrentHashMap<Long, SnapshotWriter> sealed = new ConcurrentHashMap<>();

  /** Storage whose every Ready is synced on its own. */
  public RocksDbGroupStorage(RocksDbLogStorage raftLog, SnapshotStore snapshots) {
    this(raftLog, snapshots, null);
  }

  /**
   * Storage whose Readies are synced together with other groups' through {@code writes} (one fsync
   * per round across the groups of a server); null syncs each on its own.
   *
   * @throws IllegalArgumentException if {@code snapshots} keeps fewer than 2 images: the previous
   *     image must survive until the log records the next one
   */
  public RocksDbGroupStorage(
      RocksDbLogStorage raftLog, SnapshotStore snapshots, WriteCoordinator writes) {
    if (snapshots.retain() < 2) {
      throw new IllegalArgumentException(
          "the snapshot store of a group must retain at least 2 snapshots, retains "
              + snapshots.retain());
    }
    this.raftLog = raftLog;
    this.view = new View();
    this.snapshots = snapshots;
    this.writes = writes;
  }

  /**
   * Storage for a group that is new when {@code raftLog} is empty: writes its initial members as
   * the first, committed entries of its log (see {@link InitialConfiguration}). With an empty
   * {@code initial} nothing is written: the node joins an existing group, waiting with an empty
   * configuration until a leader replicates to it.
   */
  public static RocksDbGroupStorage bootstrapIfEmpty(
      RocksDbLogStorage raftLog, SnapshotStore snapshots, ConfState initial) {
    return bootstrapIfEmpty(raftLog, snapshots, initial, null);
  }

  /**
   * As {@link #bootstrapIfEmpty(RocksDbLogStorage, SnapshotStore, ConfState)}, syncing through
   * {@code writes}.
   */
  public static RocksDbGroupStorage bootstrapIfEmpty(
      RocksDbLogStorage raftLog,
      SnapshotStore snapshots,
      ConfState initial,
      WriteCoordinator writes) {
    if (raftLog.isEmpty() && !initial.equals(ConfState.getDefaultInstance())) {
      List<Entry> entries = InitialConfiguration.entries(initial);
      raftLog.persist(InitialConfiguration.hardState(entries), entries, null);
    }
    return new RocksDbGroupStorage(raftLog, snapshots, writes);
  }

  @Override
  public LogStorage logStorage() {
    return view;
  }

  /**
   * The log's part of a Ready in one synced write, shared with other groups when a {@link
   * WriteCoordinator} is set. A Ready with nothing to store (only messages) writes nothing; one
   * that only moves the commit index is written without a sync.
   */
  @Override
  public void persist(Ready ready) {
    HardState hardState = ready.hardState().orElse(null);
    SnapshotMetadata snapshot = ready.snapshot().map(Snapshot::getMetadata).orElse(null);
    if (hardState == null && snapshot == null && ready.entries().isEmpty()) {
      return;
    }
    if (!ready.mustSync()) {
      // Only the commit index moved: no fsync (nor a place in the group commit) needed.
      raftLog.persistCommitUnsynced(hardState);
      return;
    }
    // A snapshot's image was stored by installSnapshot: only its metadata goes into the log here.
    if (writes == null) {
      raftLog.persist(hardState, ready.entries(), snapshot);
    } else {
      writes.persist(batch -> raftLog.stage(batch, hardState, ready.entries(), snapshot));
    }
  }

  @Override
  public void writeSnapshot(SnapshotMetadata metadata, ImageWriter image) {
    SnapshotWriter w = snapshots.beginWrite(metadata);
    try {
      image.writeTo(w.stream());
      w.seal();
    } catch (IOException | RuntimeException e) {
      w.close();
      throw e instanceof IOException io
          ? new UncheckedIOException("cannot write snapshot at " + metadata.getIndex(), io)
          : (RuntimeException) e;
    }
    SnapshotWriter previous = sealed.put(metadata.getIndex(), w);
    if (previous != null) {
      previous.close();
    }
  }

  @Override
  public void snapshotAndCompact(SnapshotMetadata metadata, long keepEntries) {
    long index = metadata.getIndex();
    SnapshotWriter w = sealed.remove(index);
    // Images of older snapshots that were never recorded are of no use any more.
    sealed.keySet().removeIf(i -> i < index && discard(sealed.get(i)));
    if (w == null) {
      return;
    }
    if (index <= raftLog.snapshotMetadata().getIndex()) {
      w.close();
      return;
    }
    // The image is durable under its final name before the log records it; the store keeps the
    // previous image too (retain >= 2), so a crash in between leaves the old snapshot usable.
    w.publish();
    // One write: the snapshot record, the applied index and configuration a restart begins from
    // (the image's), and the compaction; a crash leaves all of them or none.
    raftLog.recordSnapshot(index, metadata.getConfState(), index - keepEntries);
  }

  @Override
  public dev.raftboot.transport.SnapshotWriter receiveSnapshot(SnapshotMetadata metadata) {
    return new Incoming(snapshots.beginWrite(metadata));
  }

  @Override
  public void installSnapshot(SnapshotMetadata metadata, SnapshotImage image) {
    if (image instanceof StagedImage staged && staged.writer.metadata().equals(metadata)) {
      staged.writer.publish();
      return;
    }
    // An image written elsewhere (another sink, or in memory): copied into the store, streamed.
    snapshots.write(
        metadata,
        out -> {
          try (InputStream in = image.openStream()) {
            in.transferTo(out);
          }
        });
  }

  @Override
  public InputStream openSnapshot(SnapshotMetadata metadata) throws IOException {
    return snapshots.openData(file(metadata));
  }

  @Override
  public InputStream streamSnapshot(SnapshotMetadata metadata) throws IOException {
    return snapshots.openDataStreaming(file(metadata));
  }

  private SnapshotFile file(SnapshotMetadata metadata) throws IOException {
    return snapshots
        .find(metadata)
        .orElseThrow(
            () ->
                new IOException(
                    "no snapshot file at index "
                        + metadata.getIndex()
                        + " term "
                        + metadata.getTerm()
                        + " in "
                        + snapshots.dir()));
  }

  private static boolean discard(SnapshotWriter w) {
    if (w != null) {
      w.close();
    }
    return true;
  }

  /** An image arriving from the leader, written straight into the store's directory. */
  private static final class Incoming implements dev.raftboot.transport.SnapshotWriter {
    private final SnapshotWriter writer;

    Incoming(SnapshotWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(byte[] chunk, int offset, int length) throws IOException {
      writer.stream().write(chunk, offset, length);
    }

    @Override
    public SnapshotImage complete() {
      return new StagedImage(writer, writer.seal());
    }

    @Override
    public void abort() {
      writer.close();
    }
  }

  /**
   * A received image sealed (durable) in the store's directory but not yet listed: installing it is
   * a rename; discarding it deletes the file.
   */
  private record StagedImage(SnapshotWriter writer, SnapshotFile file) implements SnapshotImage {
    @Override
    public long size() {
      return file.dataBytes();
    }

    @Override
    public InputStream openStream() throws IOException {
      return Files.newInputStream(file.path());
    }

    @Override
    public Optional<Path> path() {
      return Optional.of(file.path());
    }

    @Override
    public void discard() {
      writer.close();
    }
  }

  /** The log as the consensus module reads it; snapshots come with their image. */
  private final class View extends ForwardingLogStorage {
    View() {
      super(raftLog);
    }

    /**
     * The latest snapshot's metadata, without its image: the image is streamed from its file when
     * the snapshot is sent ({@link #streamSnapshot}), never held in memory.
     */
    @Override
    public Snapshot snapshot(long requestIndex) {
      Snapshot meta = raftLog.snapshot(requestIndex);
      if (meta.getMetadata().getIndex() == 0 || snapshots.find(meta.getMetadata()).isPresent()) {
        return meta;
      }
      String missing =
          "group '"
              + raftLog.groupId()
              + "': the snapshot at index "
              + meta.getMetadata().getIndex()
              + " (term "
              + meta.getMetadata().getTerm()
              + ") is recorded in the log but its image file is missing from "
              + snapshots.dir();
      log.error(missing);
      throw new SnapshotTemporarilyUnavailableException(missing);
    }
  }
}
