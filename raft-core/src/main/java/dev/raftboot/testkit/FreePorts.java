package dev.raftboot.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for tests that start servers on ports chosen in advance (a cluster's members must
 * know each other's addresses before any of them starts).
 *
 * <p>The usual trick, binding port 0 and handing out what the kernel chose, picks from the kernel's
 * ephemeral range, which is also where every outgoing connection's local port comes from: between
 * the probe's close and the server's bind, a client connection of a running cluster can take the
 * port, and the server fails with "Address already in use". These ports come from below the
 * ephemeral range instead, where the kernel never assigns one by itself, each checked free when
 * handed out and never handed out twice by one JVM.
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;
  private static final AtomicInteger NEXT = new AtomicInteger(-1);

  private FreePorts() {}

  /** A port free on the loopback address now, outside the ephemeral range where possible. */
  public static int next() {
    int ephemeralLow = ephemeralLow();
    if (ephemeralLow - LOWEST < 1_000) {
      return kernelChosen();
    }
    int span = ephemeralLow - LOWEST;
    NEXT.compareAndSet(-1, ThreadLocalRandom.current().nextInt(span));
    for (int tries = 0; tries < span; tries++) {
      int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), span);
      if (bindable(port)) {
        return port;
      }
    }
    return kernelChosen();
  }

  /** The start of the kernel's ephemeral port range (Linux; elsewhere IANA's 49152). */
  static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    // Read a line, not the file: a /proc file reports size 0, and Files.readString trusts the
    // size (on JDK 17 it returned "3" of "32768\t60999").
    try (BufferedReader in = Files.newBufferedReader(range)) {
      String line = in.readLine();
      if (line != null) {
        return Integer.parseInt(line.trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the default
    }
    return 49_152;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int kernelChosen() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
