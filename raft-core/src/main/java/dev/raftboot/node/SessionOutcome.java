package dev.raftboot.node;

/** How a session request ended when it was first applied, as the session table remembers it. */
sealed interface SessionOutcome {

  /** {@code apply} returned {@code result}. */
  record Value(Object result) implements SessionOutcome {}

  /** {@code apply} threw {@code error}; a retry gets the same exception. */
  record Failed(RuntimeException error) implements SessionOutcome {}

  /** Applied, but the result was not carried over by the snapshot the table came from. */
  record Unavailable() implements SessionOutcome {}

  SessionOutcome UNAVAILABLE = new Unavailable();
}
