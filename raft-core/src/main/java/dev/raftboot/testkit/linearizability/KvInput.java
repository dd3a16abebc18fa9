package dev.raftboot.testkit.linearizability;

import java.util.Objects;

/**
 * A request to a key-value store, checked by {@link KvModel}.
 *
 * @param kind which operation
 * @param key the key; never {@code null}
 * @param value the value a {@code PUT} writes, or the value a {@code CAS} installs; {@code null}
 *     otherwise
 * @param expected the value a {@code CAS} expects, {@code null} meaning "expects the key absent";
 *     {@code null} for other kinds
 */
public record KvInput(Kind kind, String key, String value, String expected) {

  /** The operations a key-value store offers. */
  public enum Kind {
    /** Writes a value; returns nothing meaningful. */
    PUT,
    /** Reads the value, or absent. */
    GET,
    /** Installs a value if the current one equals the expected one; returns whether it did. */
    CAS,
    /** Removes the key; returns nothing meaningful. */
    DELETE
  }

  /** Checks that each kind carries exactly the fields it uses. */
  public KvInput {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    boolean writesValue = kind == Kind.PUT || kind == Kind.CAS;
    if (writesValue != (value != null)) {
      throw new IllegalArgumentException(
          kind + " " + (writesValue ? "needs" : "takes no") + " value");
    }
    if (kind != Kind.CAS && expected != null) {
      throw new IllegalArgumentException(kind + " takes no expected value");
    }
  }

  public static KvInput put(String key, String value) {
    return new KvInput(Kind.PUT, key, value, null);
  }

  public static KvInput get(String key) {
    return new KvInput(Kind.GET, key, null, null);
  }

  /**
   * Compare-and-set.
   *
   * @param expected the value expected, or {@code null} to expect the key absent
   * @param update the value to install; never {@code null} (use {@link #delete} to remove)
   */
  public static KvInput cas(String key, String expected, String update) {
    return new KvInput(Kind.CAS, key, update, expected);
  }

  public static KvInput delete(String key) {
    return new KvInput(Kind.DELETE, key, null, null);
  }
}
