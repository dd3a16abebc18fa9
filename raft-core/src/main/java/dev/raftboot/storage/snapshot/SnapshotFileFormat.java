package dev.raftboot.storage.snapshot;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.proto.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The layout of a snapshot file, written front to back so the image can be streamed:
 *
 * <pre>
 *   header:  "RBSN" | version (1) | metadata length (4) | SnapshotMetadata | CRC32C of the above (4)
 *   data:    the state-machine image, as the state machine wrote it
 *   trailer: data length (8) | CRC32C of the data (4) | "RBSE"
 * </pre>
 *
 * The header has its own checksum so a listing can trust the metadata without reading the whole
 * image; the trailer is last because the image's length and checksum are known only at its end.
 */
final class SnapshotFileFormat {
  static final int MAGIC = 0x5242534E; // "RBSN"
  static final int END_MAGIC = 0x52425345; // "RBSE"
  static final byte VERSION = 1;
  static final int TRAILER_BYTES = 16;
  private static final int MAX_METADATA_BYTES = 64 << 20;

  private SnapshotFileFormat() {}

  static byte[] header(SnapshotMetadata meta) {
    byte[] m = meta.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(9 + m.length + 4);
    b.putInt(MAGIC).put(VERSION).putInt(m.length).put(m);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  static byte[] trailer(long dataBytes, int dataCrc) {
    return ByteBuffer.allocate(TRAILER_BYTES)
        .putLong(dataBytes)
        .putInt(dataCrc)
        .putInt(END_MAGIC)
        .array();
  }

  /** What a verified header says, and where the data starts. */
  record Header(SnapshotMetadata metadata, long dataOffset) {}

  /** Reads and checks the header only. */
  static Header readHeader(Path file, FileChannel ch) throws IOException {
    ByteBuffer fixed = ByteBuffer.allocate(9);
    readFully(file, ch, fixed, 0);
    if (fixed.getInt(0) != MAGIC) {
      throw new SnapshotCorruptionException(file, "not a snapshot file (bad magic)");
    }
    if (fixed.get(4) != VERSION) {
      throw new SnapshotCorruptionException(
          file, "unsupported format version " + (fixed.get(4) & 0xFF));
    }
    int len = fixed.getInt(5);
    if (len < 0 || len > MAX_METADATA_BYTES) {
      throw new SnapshotCorruptionException(file, "metadata length " + len + " is out of range");
    }
    ByteBuffer rest = ByteBuffer.allocate(len + 4);
    readFully(file, ch, rest, 9);
    CRC32C crc = new CRC32C();
    crc.update(fixed.array());
    crc.update(rest.array(), 0, len);
    if ((int) crc.getValue() != rest.getInt(len)) {
      throw new SnapshotCorruptionException(file, "header checksum mismatch");
    }
    try {
      SnapshotMetadata meta = SnapshotMetadata.parseFrom(ByteBuffer.wrap(rest.array(), 0, len));
      return new Header(meta, 9L + len + 4);
    } catch (InvalidProtocolBufferException e) {
      throw new SnapshotCorruptionException(file, "metadata does not parse: " + e.getMessage());
    }
  }

  /** Checks the whole file: header, trailer, and the checksum of every data byte. */
  static SnapshotFile verify(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = readHeader(file, ch);
      long size = ch.size();
      if (size < h.dataOffset() + TRAILER_BYTES) {
        throw new SnapshotCorruptionException(file, "truncated: no trailer");
      }
      ByteBuffer t = ByteBuffer.allocate(TRAILER_BYTES);
      readFully(file, ch, t, size - TRAILER_BYTES);
      long dataBytes = t.getLong(0);
      if (t.getInt(12) != END_MAGIC || dataBytes != size - h.dataOffset() - TRAILER_BYTES) {
        throw new SnapshotCorruptionException(file, "truncated or damaged trailer");
      }
      CRC32C crc = new CRC32C();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long pos = h.dataOffset();
      long end = h.dataOffset() + dataBytes;
      while (pos < end) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new SnapshotCorruptionException(file, "truncated data");
        }
        crc.update(buf.array(), 0, n);
        pos += n;
      }
      if ((int) crc.getValue() != t.getInt(8)) {
        throw new SnapshotCorruptionException(
            file,
            String.format(
                "data checksum mismatch (stored 0x%08x, computed 0x%08x)",
                t.getInt(8), (int) crc.getValue()));
      }
      return new SnapshotFile(file, h.metadata(), dataBytes);
    }
  }

  private static void readFully(Path file, FileChannel ch, ByteBuffer b, long pos)
      throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) {
        throw new SnapshotCorruptionException(file, "truncated header");
      }
    }
  }
}
