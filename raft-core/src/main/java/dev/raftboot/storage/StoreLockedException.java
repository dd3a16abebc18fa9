package dev.raftboot.storage;

import java.nio.file.Path;

/**
 * The data directory is already open, in this process or another one. RocksDB holds an exclusive
 * lock on its {@code LOCK} file while a store is open, so two writers can never interleave their
 * logs; this error is how that refusal reaches the caller.
 */
public class StoreLockedException extends StorageException {
  private final Path dataDir;

  public StoreLockedException(Path dataDir, Throwable cause) {
    super(
        "data directory "
            + dataDir
            + " is locked: another process (or another store in this process) has it open",
        cause);
    this.dataDir = dataDir;
  }

  /** The directory that could not be opened. */
  public Path dataDir() {
    return dataDir;
  }
}
