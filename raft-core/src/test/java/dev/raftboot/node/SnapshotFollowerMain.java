package dev.raftboot.node;

import dev.raftboot.transport.PeerAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One node of {@link LargeSnapshotStreamingTest} in its own JVM, started with a heap smaller than
 * the snapshot it must receive: proof that the image never has to fit in memory. Prints {@code
 * STATE <applied> <size> <sha256>} whenever its state changes; exits when its standard input
 * closes.
 *
 * <p>Arguments: data directory, node id, port, cluster id, snapshotEvery, then peers as {@code
 * id=host:port}.
 */
public final class SnapshotFollowerMain {
  private SnapshotFollowerMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long id = Long.parseLong(args[1]);
    int port = Integer.parseInt(args[2]);
    String clusterId = args[3];
    long snapshotEvery = Long.parseLong(args[4]);
    Map<Long, PeerAddress> peers = new HashMap<>();
    TreeSet<Long> ids = new TreeSet<>(List.of(id));
    for (int i = 5; i < args.length; i++) {
      String[] kv = args[i].split("=");
      long peer = Long.parseLong(kv[0]);
      peers.put(peer, PeerAddress.parse(kv[1]));
      ids.add(peer);
    }
    BlobStateMachine sm = new BlobStateMachine(dir.resolve("state"));
    try (RaftServer server =
        RaftServer.start(new ServerConfig(id, clusterId, "127.0.0.1", port, peers, dir, 2, null))) {
      RaftGroup g =
          server.group(
              LargeSnapshotStreamingTest.GROUP,
              sm,
              LargeSnapshotStreamingTest.voters(ids),
              LargeSnapshotStreamingTest.options(snapshotEvery),
              LargeSnapshotStreamingTest.raftConfig(id));
      Thread watcher =
          new Thread(
              () -> {
                String last = "";
                while (true) {
                  String line = "STATE " + g.appliedIndex() + " " + sm.size() + " " + sm.digest();
                  if (!line.equals(last)) {
                    System.out.println(line);
                    System.out.flush();
                    last = line;
                  }
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      watcher.setDaemon(true);
      watcher.start();
      while (System.in.read() >= 0) {
        // Runs until the test closes our standard input (or kills us).
      }
      server.close(Duration.ofSeconds(1));
    }
  }
}
