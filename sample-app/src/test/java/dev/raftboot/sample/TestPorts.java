package dev.raftboot.sample;

import dev.raftboot.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Free loopback ports and scratch directories for tests. */
public final class TestPorts {
  private TestPorts() {}

  /** A port free on 127.0.0.1 right now. */
  public static int freePort() {
    return FreePorts.next();
  }

  /** Deletes {@code dir} and everything below it, if it exists. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
