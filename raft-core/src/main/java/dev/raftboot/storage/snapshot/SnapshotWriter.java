package dev.raftboot.storage.snapshot;

import dev.raftboot.proto.SnapshotMetadata;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one state-machine image into a {@link SnapshotStore}: the state machine streams into
 * {@link #stream()}, then {@link #commit()} seals the file (trailer, fsync) and publishes it
 * (atomic rename). Until then the image lives in a temp file that no reader lists; {@link #close()}
 * without publishing deletes it. {@link #seal()} and {@link #publish()} split commit in two, so a
 * runtime can make an image durable first and decide later whether it becomes a snapshot. Not
 * thread-safe.
 */
public final class SnapshotWriter implements AutoCloseable {
  private final SnapshotStore store;
  private final SnapshotMetadata metadata;
  private final Path temp;
  private final FileChannel channel;
  private final OutputStream file;
  private final CRC32C crc = new CRC32C();
  private long dataBytes;
  private boolean sealed;
  private boolean done;
  private final OutputStream stream =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          checkOpen();
          file.write(b);
          crc.update(b);
          dataBytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          checkOpen();
          file.write(b, off, len);
          crc.update(b, off, len);
          dataBytes += len;
        }

        /** Closing the stream does not seal the snapshot: only {@link #commit()} does. */
        @Override
        public void close() {}
      };

  SnapshotWriter(SnapshotStore store, SnapshotMetadata metadata) throws IOException {
    this.store = store;
    this.metadata = metadata;
    this.temp = Files.createTempFile(store.dir(), "write-", SnapshotStore.TEMP_SUFFIX);
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    this.file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    file.write(SnapshotFileFormat.header(metadata));
  }

  /** Where the state machine writes its image. */
  public OutputStream stream() {
    return stream;
  }

  /**
   * Seals the image: writes the trailer, fsyncs, applies the retention policy after renaming into
   * place.
   *
   * @return the new file, now the latest snapshot
   */
  public SnapshotFile commit() {
    seal();
    return publish();
  }

  /**
   * Writes the trailer and fsyncs the temp file; the image is then complete and durable but not
   * listed until {@link #publish()}.
   *
   * @return the sealed temp file (readable with {@link SnapshotStore#openData})
   */
  public SnapshotFile seal() {
    checkOpenUnchecked();
    if (sealed) {
      throw new IllegalStateException("snapshot writer already sealed");
    }
    try {
      file.write(SnapshotFileFormat.trailer(dataBytes, (int) crc.getValue()));
      file.flush();
      channel.force(true);
      channel.close();
      sealed = true;
      return new SnapshotFile(temp, metadata, dataBytes);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot write snapshot " + temp, e);
    }
  }

  /**
   * Renames a sealed image into place (then syncs the directory) and applies retention.
   *
   * @return the new file, now the latest snapshot
   */
  public SnapshotFile publish() {
    checkOpenUnchecked();
    if (!sealed) {
      throw new IllegalStateException("snapshot writer not sealed");
    }
    try {
      done = true;
      return store.publish(temp, metadata, dataBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish snapshot " + temp, e);
    }
  }

  /** The snapshot this writer writes. */
  public SnapshotMetadata metadata() {
    return metadata;
  }

  /** Image bytes written so far. */
  public long dataBytes() {
    return dataBytes;
  }

  /** Abandons the snapshot if it was not committed. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    try {
      channel.close();
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove temp snapshot " + temp, e);
    }
  }

  private void checkOpen() throws IOException {
    if (done || sealed) {
      throw new IOException("snapshot writer is closed");
    }
  }

  private void checkOpenUnchecked() {
    if (done) {
      throw new IllegalStateException("snapshot writer is closed");
    }
  }
}
