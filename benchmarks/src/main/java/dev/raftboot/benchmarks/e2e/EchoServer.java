package dev.raftboot.benchmarks.e2e;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * A TCP echo on loopback, one per node, so that another node JVM can measure the loopback round
 * trip between two processes ({@link #pingPong}): the network floor under a replicated write.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket socket;

  EchoServer() throws IOException {
    socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        client.setTcpNoDelay(true);
        Thread t = new Thread(() -> echo(client), "echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void echo(Socket client) {
    byte[] buffer = new byte[BenchNode.COMMAND_BYTES];
    try (client;
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // the pinging side went away
    }
  }

  /** Round trips of 128 bytes to the echo on {@code port}, after as many warm-up rounds. */
  static String pingPong(int port, int samples) throws IOException {
    Latencies latencies = new Latencies();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      byte[] message = new byte[BenchNode.COMMAND_BYTES];
      for (int i = 0; i < 2 * samples; i++) {
        long began = System.nanoTime();
        out.write(message);
        in.readFully(message);
        if (i >= samples) {
          latencies.add(System.nanoTime() - began);
        }
      }
    }
    return Latencies.merge(List.of(latencies)).summary();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
