package dev.raftboot.storage.snapshot;

import dev.raftboot.proto.SnapshotMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Receives a snapshot file streamed in chunks from a leader (the bytes of the leader's {@link
 * SnapshotStore} file, as {@link SnapshotStore#openRaw} reads them): {@link #begin} with the
 * metadata the leader announced, {@link #write} each chunk, then {@link #finish}, which verifies
 * every checksum and that the file is the announced snapshot before it becomes visible. A receiver
 * closed before {@code finish} leaves nothing behind. Not thread-safe.
 */
public final class SnapshotReceiver implements AutoCloseable {
  private final SnapshotStore store;
  private SnapshotMetadata expected;
  private Path temp;
  private FileChannel channel;
  private boolean done;

  SnapshotReceiver(SnapshotStore store) {
    this.store = store;
  }

  /** Starts receiving the snapshot the leader announced. */
  public void begin(SnapshotMetadata metadata) {
    if (temp != null || done) {
      throw new IllegalStateException("receiver already begun");
    }
    try {
      expected = metadata;
      temp = Files.createTempFile(store.dir(), "receive-", SnapshotStore.TEMP_SUFFIX);
      channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start receiving a snapshot in " + store.dir(), e);
    }
  }

  /** Appends the next chunk. */
  public void write(byte[] chunk) {
    if (channel == null || done) {
      throw new IllegalStateException("receiver not begun or already finished");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(chunk);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot write received snapshot " + temp, e);
    }
  }

  /**
   * Syncs, verifies and publishes the received file.
   *
   * @throws SnapshotCorruptionException if it fails verification or is not the announced snapshot
   */
  public SnapshotFile finish() {
    if (channel == null || done) {
      throw new IllegalStateException("receiver not begun or already finished");
    }
    try {
      channel.force(true);
      channel.close();
      SnapshotFile received = SnapshotFileFormat.verify(temp);
      if (!received.metadata().equals(expected)) {
        throw new SnapshotCorruptionException(
            temp,
            "received snapshot at index "
                + received.index()
                + " term "
                + received.term()
                + " but the leader announced index "
                + expected.getIndex()
                + " term "
                + expected.getTerm());
      }
      done = true;
      return store.publish(temp, received.metadata(), received.dataBytes());
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot finish received snapshot " + temp, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Abandons the transfer if it did not finish; the partial file is deleted. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    try {
      if (channel != null) {
        channel.close();
      }
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove partial snapshot " + temp, e);
    }
  }
}
