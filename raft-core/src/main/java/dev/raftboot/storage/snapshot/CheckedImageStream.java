package dev.raftboot.storage.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The data section of a snapshot file, read through once while its CRC32C is computed; at the end
 * the trailer is read and compared, and a mismatch throws instead of returning end-of-stream. So a
 * reader that got to the end got exactly the bytes that were written.
 */
final class CheckedImageStream extends InputStream {
  private final Path file;
  private final FileChannel channel;
  private final InputStream in;
  private final CRC32C crc = new CRC32C();
  private final long dataBytes;
  private long remaining;
  private boolean checked;

  CheckedImageStream(Path file, FileChannel channel, long dataBytes) {
    this.file = file;
    this.channel = channel;
    this.in = Channels.newInputStream(channel);
    this.dataBytes = dataBytes;
    this.remaining = dataBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      checkTrailer();
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new SnapshotCorruptionException(file, "truncated data");
    }
    crc.update(b, off, n);
    remaining -= n;
    return n;
  }

  private void checkTrailer() throws IOException {
    if (checked) {
      return;
    }
    byte[] trailer = in.readNBytes(SnapshotFileFormat.TRAILER_BYTES);
    if (trailer.length != SnapshotFileFormat.TRAILER_BYTES) {
      throw new SnapshotCorruptionException(file, "truncated: no trailer");
    }
    ByteBuffer t = ByteBuffer.wrap(trailer);
    if (t.getInt(12) != SnapshotFileFormat.END_MAGIC || t.getLong(0) != dataBytes) {
      throw new SnapshotCorruptionException(file, "truncated or damaged trailer");
    }
    if (t.getInt(8) != (int) crc.getValue()) {
      throw new SnapshotCorruptionException(
          file,
          String.format(
              "data checksum mismatch (stored 0x%08x, computed 0x%08x)",
              t.getInt(8), (int) crc.getValue()));
    }
    checked = true;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
