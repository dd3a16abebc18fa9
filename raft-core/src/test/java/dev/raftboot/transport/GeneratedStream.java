package dev.raftboot.transport;

import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * A deterministic pseudo-random byte stream of a given length, generated on the fly (never held in
 * memory), with the CRC-32 of what it produced so far.
 */
final class GeneratedStream extends InputStream {
  private final long length;
  private long position;
  private long state;
  private final CRC32 crc = new CRC32();

  GeneratedStream(long length, long seed) {
    this.length = length;
    this.state = seed | 1;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    for (int i = 0; i < n; i++) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      b[off + i] = (byte) state;
    }
    crc.update(b, off, n);
    position += n;
    return n;
  }

  long crc() {
    return crc.getValue();
  }

  long position() {
    return position;
  }

  /** The CRC-32 of the whole stream, computed by generating it once more. */
  static long crcOf(long length, long seed) {
    GeneratedStream s = new GeneratedStream(length, seed);
    byte[] buffer = new byte[1 << 16];
    while (s.read(buffer, 0, buffer.length) > 0) {
      // Only the running checksum matters.
    }
    return s.crc();
  }
}
