package dev.raftboot.storage.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The fsync-and-rename dance that makes a file appear on disk complete or not at all: snapshot
 * images here, and the small files a server keeps beside its store.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /**
   * Replaces {@code file} with {@code content}: written and synced under a temporary name, then
   * {@link #publish published}. After a crash the file is the old or the new one, never a mix.
   */
  public static void replace(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temp, content);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    publish(temp, file);
  }

  /**
   * Renames a fully written and synced temp file into place atomically, then syncs the directory:
   * without the directory sync a crash may forget the rename even though the data is on disk.
   */
  static void publish(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
