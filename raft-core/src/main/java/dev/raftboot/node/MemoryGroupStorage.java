package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.core.LogStorage;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.Ready;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link GroupStorage} in memory: for tests and for groups whose state need not survive. Images are
 * held in memory (in the {@link MemoryLogStorage}'s snapshot), so the bound on memory that
 * streaming gives a durable storage does not apply here.
 */
public final class MemoryGroupStorage implements GroupStorage {
  private final MemoryLogStorage storage;
  // Images written on the apply executor, waiting for the loop to record them.
  private final ConcurrentHashMap<Long, ByteString> written = new ConcurrentHashMap<>();
  // The image of the snapshot the next persist records (loop only).
  private Snapshot installed;

  public MemoryGroupStorage(MemoryLogStorage storage) {
    this.storage = storage;
  }

  /**
   * A new group whose initial members are {@code initial}, written as the first entries of its log
   * as {@link RocksDbGroupStorage#bootstrapIfEmpty} does; an empty {@code initial} makes a node
   * that joins an existing group.
   */
  public static MemoryGroupStorage bootstrap(ConfState initial) {
    MemoryLogStorage storage = new MemoryLogStorage(ConfState.getDefaultInstance());
    if (!initial.equals(ConfState.getDefaultInstance())) {
      List<Entry> entries = InitialConfiguration.entries(initial);
      storage.append(entries);
      storage.setHardState(InitialConfiguration.hardState(entries));
    }
    return new MemoryGroupStorage(storage);
  }

  @Override
  public LogStorage logStorage() {
    return storage;
  }

  public MemoryLogStorage memory() {
    return storage;
  }

  @Override
  public void persist(Ready ready) {
    ready
        .snapshot()
        .ifPresent(
            s -> {
              Snapshot withImage =
                  installed != null && installed.getMetadata().equals(s.getMetadata())
                      ? installed
                      : s;
              installed = null;
              storage.applySnapshot(withImage);
            });
    storage.append(ready.entries());
    ready.hardState().ifPresent(storage::setHardState);
  }

  @Override
  public void writeSnapshot(SnapshotMetadata metadata, ImageWriter image) {
    ByteString.Output out = ByteString.newOutput();
    try {
      image.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshot image", e);
    }
    written.put(metadata.getIndex(), out.toByteString());
  }

  @Override
  public void snapshotAndCompact(SnapshotMetadata metadata, long keepEntries) {
    long index = metadata.getIndex();
    ByteString data = written.remove(index);
    written.keySet().removeIf(i -> i < index);
    if (data == null || index <= storage.snapshot(0).getMetadata().getIndex()) {
      return;
    }
    storage.createSnapshot(index, metadata.getConfState(), data.toByteArray());
    long compactTo = index - keepEntries;
    if (compactTo > storage.firstIndex()) {
      storage.compact(compactTo);
    }
  }

  @Override
  public SnapshotWriter receiveSnapshot(SnapshotMetadata metadata) {
    return BytesImage.collector();
  }

  @Override
  public void installSnapshot(SnapshotMetadata metadata, SnapshotImage image) {
    try (InputStream in = image.openStream()) {
      installed =
          Snapshot.newBuilder().setMetadata(metadata).setData(ByteString.readFrom(in)).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read snapshot image", e);
    }
  }

  @Override
  public InputStream openSnapshot(SnapshotMetadata metadata) throws IOException {
    Snapshot s = storage.snapshot(0);
    if (s.getMetadata().getIndex() != metadata.getIndex()
        || s.getMetadata().getTerm() != metadata.getTerm()) {
      throw new IOException(
          "snapshot at index "
              + metadata.getIndex()
              + " is gone; storage holds "
              + s.getMetadata().getIndex());
    }
    return s.getData().newInput();
  }
}
