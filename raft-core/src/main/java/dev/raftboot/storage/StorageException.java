package dev.raftboot.storage;

import dev.raftboot.core.RaftException;

/**
 * Base of every error the durable storage layer reports: an I/O failure of the underlying store, a
 * store that cannot be opened, or data that fails verification. Unchecked, like every {@link
 * RaftException}: a node that cannot trust its disk must stop, not retry.
 */
public class StorageException extends RaftException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
