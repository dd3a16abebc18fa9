package dev.raftboot.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void theEphemeralRangeIsReadFromTheKernel() throws IOException {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    assumeTrue(Files.exists(range), "no /proc/sys/net/ipv4/ip_local_port_range (not Linux)");
    int low = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    assertThat(FreePorts.ephemeralLow()).isEqualTo(low);
  }

  @Test
  void portsAreBindableDistinctAndBelowTheEphemeralRange() throws IOException {
    assumeTrue(
        FreePorts.ephemeralLow() > 11_000,
        "the ephemeral range starts too low to pick ports below it");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.next();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      assertThat(port).isBetween(10_000, FreePorts.ephemeralLow() - 1);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
    }
  }
}
