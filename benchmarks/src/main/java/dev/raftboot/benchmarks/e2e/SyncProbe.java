package dev.raftboot.benchmarks.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The disk's sync time in the node's data dir: append 128 bytes to a file and {@code
 * FileChannel.force(false)}, as a WAL sync does. The floor under every acknowledged write.
 */
final class SyncProbe {
  private SyncProbe() {}

  static String fsync(Path dir, int samples) throws IOException {
    Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
    Latencies latencies = new Latencies();
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer record = ByteBuffer.allocate(BenchNode.COMMAND_BYTES);
      for (int i = 0; i < samples; i++) {
        record.clear();
        long began = System.nanoTime();
        channel.write(record);
        channel.force(false);
        latencies.add(System.nanoTime() - began);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return Latencies.merge(java.util.List.of(latencies)).summary();
  }
}
