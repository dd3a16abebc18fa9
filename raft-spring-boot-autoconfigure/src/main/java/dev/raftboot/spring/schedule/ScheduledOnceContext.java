package dev.raftboot.spring.schedule;

import dev.raftboot.node.FencingToken;
import java.time.Instant;

/** What a {@link ScheduledOnce} method knows about the run it is doing. */
public interface ScheduledOnceContext {
  /** The job's name. */
  String job();

  /** The scheduled time of the slot this run is for. */
  Instant slot();

  /** 1 for the first run of a slot; higher when {@link Misfire#RUN_AGAIN} re-runs it. */
  int attempt();

  /**
   * The token of this run: the leader's term and the log index of the slot's claim. Pass it to
   * downstream systems, which reject any token lower than the highest they have seen.
   */
  FencingToken fencingToken();

  /**
   * Whether this node still leads with the term of this run's claim. Once false (leadership
   * revoked; the thread is also interrupted) the run should stop: its token is no longer current.
   */
  boolean isCurrent();
}
