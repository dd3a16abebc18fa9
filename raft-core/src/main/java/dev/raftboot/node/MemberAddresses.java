package dev.raftboot.node;

import dev.raftboot.transport.PeerAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The addresses a membership change carries in its context ({@code id=host:port,...} in UTF-8), so
 * that every server, applying the change, can reach the members it adds.
 */
final class MemberAddresses {
  private MemberAddresses() {}

  static byte[] encode(Map<Long, PeerAddress> addresses) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(addresses)
        .forEach(
            (id, address) -> {
              if (sb.length() > 0) {
                sb.append(',');
              }
              sb.append(id).append('=').append(address);
            });
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a list of {@code id=host:port}
   */
  static Map<Long, PeerAddress> decode(byte[] bytes) {
    Map<Long, PeerAddress> out = new TreeMap<>();
    String s = new String(bytes, StandardCharsets.UTF_8);
    if (s.isEmpty()) {
      return out;
    }
    for (String item : s.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected id=host:port, got '" + item + "'");
      }
      out.put(Long.parseLong(item.substring(0, eq)), PeerAddress.parse(item.substring(eq + 1)));
    }
    return out;
  }
}
