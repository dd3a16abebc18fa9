package dev.raftboot.storage.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The fsync-and-rename dance that makes a file appear on disk complete or not at all. */
final class DurableFiles {
  private DurableFiles() {}

  /**
   * Renames a fully written and synced temp file into place atomically, then syncs the directory:
   * without the directory sync a crash may forget the rename even though the data is on disk.
   */
  static void publish(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.getParent());
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
