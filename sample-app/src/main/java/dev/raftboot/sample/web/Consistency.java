package dev.raftboot.sample.web;

import dev.raftboot.spring.ReadConsistency;
import java.util.Locale;

/** The {@code consistency} request parameter of reads. */
public final class Consistency {
  private Consistency() {}

  /**
   * {@code linearizable} (the default when absent), {@code lease} or {@code stale}.
   *
   * @throws BadRequestException for any other value
   */
  public static ReadConsistency parse(String value) {
    if (value == null || value.isEmpty()) {
      return ReadConsistency.LINEARIZABLE;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "linearizable" -> ReadConsistency.LINEARIZABLE;
      case "lease" -> ReadConsistency.LEASE;
      case "stale" -> ReadConsistency.STALE;
      default ->
          throw new BadRequestException(
              "consistency must be linearizable, lease or stale, not '" + value + "'");
    };
  }
}
