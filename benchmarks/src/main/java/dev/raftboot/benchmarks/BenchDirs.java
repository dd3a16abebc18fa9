package dev.raftboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of the disk benchmarks, on the disk named by {@code -Draft.bench.dir}. */
final class BenchDirs {
  private BenchDirs() {}

  /** A new directory under {@code -Draft.bench.dir}, else under the JVM temp dir. */
  static Path create(String prefix) throws IOException {
    Path parent =
        Path.of(System.getProperty("raft.bench.dir", System.getProperty("java.io.tmpdir")));
    return Files.createTempDirectory(parent, prefix);
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
