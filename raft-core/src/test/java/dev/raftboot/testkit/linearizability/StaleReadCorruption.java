package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a read of a generated history into a read that is certainly stale: it is made to return the
 * value of a completed put P although another completed write Q (put or delete) of the same key was
 * invoked after P responded and responded before the read was invoked. Every written value in a
 * generated history is unique, so no other operation can restore P's value and the result cannot be
 * linearizable.
 */
record StaleReadCorruption(
    History<KvInput, KvOutput> corruptedHistory,
    Operation<KvInput, KvOutput> corruptedRead,
    Operation<KvInput, KvOutput> stalePut,
    Operation<KvInput, KvOutput> overwrite) {

  /** Corrupts the first suitable read in the second half of the history. */
  static StaleReadCorruption find(List<Operation<KvInput, KvOutput>> operations) {
    for (int r = operations.size() / 2; r < operations.size(); r++) {
      Operation<KvInput, KvOutput> read = operations.get(r);
      if (read.ambiguous() || read.input().kind() != KvInput.Kind.GET) {
        continue;
      }
      Operation<KvInput, KvOutput> overwrite =
          latestWriteBefore(operations, read, read.invocationTime());
      if (overwrite == null) {
        continue;
      }
      Operation<KvInput, KvOutput> stalePut =
          latestPutBefore(operations, read, overwrite.invocationTime());
      if (stalePut == null || Objects.equals(stalePut.input().value(), read.output().value())) {
        continue;
      }
      Operation<KvInput, KvOutput> corrupted =
          Operation.completed(
              read.clientId(),
              read.input(),
              KvOutput.value(stalePut.input().value()),
              read.invocationTime(),
              read.responseTime());
      List<Operation<KvInput, KvOutput>> copy = new ArrayList<>(operations);
      copy.set(r, corrupted);
      return new StaleReadCorruption(History.of(copy), corrupted, stalePut, overwrite);
    }
    throw new IllegalStateException("no read suitable for a stale-read corruption");
  }

  /** The completed put or delete of the read's key responding last before {@code before}. */
  private static Operation<KvInput, KvOutput> latestWriteBefore(
      List<Operation<KvInput, KvOutput>> operations,
      Operation<KvInput, KvOutput> read,
      long before) {
    Operation<KvInput, KvOutput> latest = null;
    for (Operation<KvInput, KvOutput> candidate : operations) {
      KvInput.Kind kind = candidate.input().kind();
      if ((kind == KvInput.Kind.PUT || kind == KvInput.Kind.DELETE)
          && isCompletedOnKeyBefore(candidate, read, before)
          && (latest == null || candidate.responseTime() > latest.responseTime())) {
        latest = candidate;
      }
    }
    return latest;
  }

  /** The completed put of the read's key responding last before {@code before}. */
  private static Operation<KvInput, KvOutput> latestPutBefore(
      List<Operation<KvInput, KvOutput>> operations,
      Operation<KvInput, KvOutput> read,
      long before) {
    Operation<KvInput, KvOutput> latest = null;
    for (Operation<KvInput, KvOutput> candidate : operations) {
      if (candidate.input().kind() == KvInput.Kind.PUT
          && isCompletedOnKeyBefore(candidate, read, before)
          && (latest == null || candidate.responseTime() > latest.responseTime())) {
        latest = candidate;
      }
    }
    return latest;
  }

  private static boolean isCompletedOnKeyBefore(
      Operation<KvInput, KvOutput> candidate, Operation<KvInput, KvOutput> read, long before) {
    return !candidate.ambiguous()
        && candidate.input().key().equals(read.input().key())
        && candidate.responseTime() < before;
  }

  @Override
  public String toString() {
    return "read "
        + corruptedRead
        + " to return the value of "
        + stalePut
        + ", overwritten by "
        + overwrite;
  }
}
