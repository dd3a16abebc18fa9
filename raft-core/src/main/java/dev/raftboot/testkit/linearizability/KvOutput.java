package dev.raftboot.testkit.linearizability;

/**
 * A key-value store's reply, checked by {@link KvModel}.
 *
 * @param value for a {@code GET}, the value read, {@code null} if the key was absent; {@code null}
 *     for other kinds
 * @param ok for a {@code CAS}, whether the value was installed; {@code true} for other kinds
 */
public record KvOutput(String value, boolean ok) {

  private static final KvOutput ACK = new KvOutput(null, true);

  /** The reply to a {@code GET}; {@code value} is {@code null} if the key was absent. */
  public static KvOutput value(String value) {
    return new KvOutput(value, true);
  }

  /** The reply to a {@code GET} of an absent key. */
  public static KvOutput absent() {
    return ACK;
  }

  /** The reply to a {@code CAS}. */
  public static KvOutput cas(boolean ok) {
    return new KvOutput(null, ok);
  }

  /** The reply to a {@code PUT} or {@code DELETE}, which carries no information. */
  public static KvOutput ack() {
    return ACK;
  }
}
