package dev.raftboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Scratch directories of the disk benchmarks, on the disk named by {@code -Draft.bench.dir}. */
public final class BenchDirs {
  private BenchDirs() {}

  /** A new directory under {@code -Draft.bench.dir}, else under the JVM temp dir. */
  static Path create(String prefix) throws IOException {
    Path parent =
        Path.of(System.getProperty("raft.bench.dir", System.getProperty("java.io.tmpdir")));
    return Files.createTempDirectory(parent, prefix);
  }

  /** Deletes {@code dir} and everything under it. */
  public static void delete(Path dir) throws IOException {
    deleteExcept(dir, p -> false);
  }

  /** Deletes what is under {@code dir}, and {@code dir}, except the files {@code keep} accepts. */
  public static void deleteExcept(Path dir, Predicate<Path> keep) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        // Children come first: a directory still holding a kept file stays.
        if (!keep.test(p) && !(Files.isDirectory(p) && hasEntries(p))) {
          Files.delete(p);
        }
      }
    }
  }

  private static boolean hasEntries(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    }
  }
}
