package dev.raftboot.node;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runtime settings of one group.
 *
 * @param name the group's name, unique per server: 1 to 128 letters, digits, {@code .}, {@code _}
 *     or {@code -}, starting with a letter or digit (it names a directory and a key range)
 * @param tickInterval wall-clock length of one Raft tick
 * @param proposalTimeout how long a proposal, read or membership change may wait for its answer
 *     (checked on the group's ticks, so it fails at most one tick later)
 * @param snapshotEvery applied entries between state-machine snapshots (then the log is compacted)
 * @param keepEntries entries kept behind a snapshot, so slightly lagging followers catch up from
 *     the log rather than from a snapshot
 * @param sessions bounds of the client-session table (replicated state: the same on every node)
 * @param snapshotEveryBytes applied entry bytes (payloads) that also make a snapshot due when fewer
 *     than {@code snapshotEvery} entries carried them: the log of a group with large entries stays
 *     bounded in bytes, not only in entries
 */
public record GroupOptions(
    String name,
    Duration tickInterval,
    Duration proposalTimeout,
    long snapshotEvery,
    long keepEntries,
    SessionPolicy sessions,
    long snapshotEveryBytes) {

  /** The default of {@link #snapshotEveryBytes}: 64 MiB. */
  public static final long DEFAULT_SNAPSHOT_EVERY_BYTES = 64L << 20;

  /** Options with {@link #DEFAULT_SNAPSHOT_EVERY_BYTES}. */
  public GroupOptions(
      String name,
      Duration tickInterval,
      Duration proposalTimeout,
      long snapshotEvery,
      long keepEntries,
      SessionPolicy sessions) {
    this(
        name,
        tickInterval,
        proposalTimeout,
        snapshotEvery,
        keepEntries,
        sessions,
        DEFAULT_SNAPSHOT_EVERY_BYTES);
  }

  /** Options with {@link SessionPolicy#defaults()} and {@link #DEFAULT_SNAPSHOT_EVERY_BYTES}. */
  public GroupOptions(
      String name,
      Duration tickInterval,
      Duration proposalTimeout,
      long snapshotEvery,
      long keepEntries) {
    this(name, tickInterval, proposalTimeout, snapshotEvery, keepEntries, SessionPolicy.defaults());
  }

  // A group's name is a directory (its snapshots) and a key prefix (its log): nothing that a file
  // system reads as a path ("a/../b", ".."), and only characters every encoding keeps distinct.
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public GroupOptions {
    Objects.requireNonNull(sessions, "GroupOptions.sessions");
    if (name == null || !VALID_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "GroupOptions.name must be 1 to 128 letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit, was "
              + (name == null ? "null" : "'" + name + "'"));
    }
    if (tickInterval.isZero() || tickInterval.isNegative()) {
      throw new IllegalArgumentException("GroupOptions.tickInterval must be positive");
    }
    if (proposalTimeout.isZero() || proposalTimeout.isNegative()) {
      throw new IllegalArgumentException("GroupOptions.proposalTimeout must be positive");
    }
    if (snapshotEvery < 1 || keepEntries < 0) {
      throw new IllegalArgumentException(
          "GroupOptions.snapshotEvery must be positive and keepEntries not negative");
    }
    if (snapshotEveryBytes < 1) {
      throw new IllegalArgumentException(
          "GroupOptions.snapshotEveryBytes must be positive, was " + snapshotEveryBytes);
    }
  }

  /** The same options with another session policy. */
  public GroupOptions withSessions(SessionPolicy policy) {
    return new GroupOptions(
        name,
        tickInterval,
        proposalTimeout,
        snapshotEvery,
        keepEntries,
        policy,
        snapshotEveryBytes);
  }

  /** The same options with another byte budget between snapshots. */
  public GroupOptions withSnapshotEveryBytes(long bytes) {
    return new GroupOptions(
        name, tickInterval, proposalTimeout, snapshotEvery, keepEntries, sessions, bytes);
  }

  /**
   * 100 ms ticks, 5 s timeouts, a snapshot every 10,000 entries or 64 MiB of entries (whichever
   * comes first) keeping 1,000, default sessions.
   */
  public static GroupOptions defaults(String name) {
    return new GroupOptions(name, Duration.ofMillis(100), Duration.ofSeconds(5), 10_000, 1_000);
  }
}
