package dev.raftboot.storage.snapshot;

import dev.raftboot.storage.StorageException;
import java.nio.file.Path;

/**
 * A snapshot file failed verification (bad magic, unknown version, checksum mismatch, truncated, or
 * not the snapshot it was announced as). The message names the file. The file is never used; the
 * node must fetch a snapshot from a peer or be rebuilt.
 */
public class SnapshotCorruptionException extends StorageException {
  private final Path file;

  public SnapshotCorruptionException(Path file, String detail) {
    super("corrupt snapshot file " + file + ": " + detail);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
