package dev.raftboot.sample.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waits for the runtime's futures on a request thread. */
public final class Futures {
  private Futures() {}

  /**
   * The future's value; its failure rethrown as the runtime's own exception (not wrapped), so the
   * error handlers can tell a missing leader from an unknown outcome. The runtime bounds every
   * future by {@code raft.proposal-timeout}, so this never waits longer.
   */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the cluster", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    }
  }
}
