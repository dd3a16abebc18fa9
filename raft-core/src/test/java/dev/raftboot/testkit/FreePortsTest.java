package dev.raftboot.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void portsAreBindableDistinctAndBelowTheEphemeralRange() throws IOException {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.next();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      if (FreePorts.ephemeralLow() > 11_000) {
        assertThat(port).isBetween(10_000, FreePorts.ephemeralLow() - 1);
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
    }
  }
}
