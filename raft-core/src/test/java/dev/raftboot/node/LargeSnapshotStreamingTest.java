package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.snapshot.SnapshotStore;
import dev.raftboot.testkit.FreePorts;
import dev.raftboot.transport.GrpcTransport;
import dev.raftboot.transport.GrpcTransportConfig;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotSink;
import dev.raftboot.transport.SnapshotWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots far larger than a heap, streamed over gRPC on loopback between RocksDB-backed nodes: a
 * node that joins after the leader compacted its log receives the whole state as a snapshot file
 * and converges, in a JVM whose heap is smaller than the image; and a stream broken mid-way is
 * reported as FAILURE and sent again.
 */
class LargeSnapshotStreamingTest {
  static final String GROUP = "blob";
  private static final int GROW_BYTES = 8 << 20;
  private static final String CLUSTER = "blob-test";

  static GroupOptions options(long snapshotEvery) {
    // Ticks long enough that applying 8 MiB commands on a busy 2-core machine never delays a
    // heartbeat response past the election timeout.
    return new GroupOptions(GROUP, Duration.ofMillis(50), Duration.ofSeconds(60), snapshotEvery, 2);
  }

  static RaftConfig.Builder raftConfig(long id) {
    return RaftConfig.builder()
        .electionTick(10)
        .heartbeatTick(1)
        .preVote(true)
        .checkQuorum(true)
        .randomSeed(id);
  }

  static ConfState voters(Collection<Long> ids) {
    ConfState.Builder b = ConfState.newBuilder();
    ids.stream().sorted().forEach(b::addVoters);
    return b.build();
  }

  @Test
  void aNewNodeReceivesA104MibSnapshotInAJvmWithA64MibHeap(@TempDir Path dir) throws Exception {
    joinAfterCompaction(dir, 13, 16);
  }

  @Test
  @Tag("slow")
  void aNewNodeReceivesA1GibSnapshotInAJvmWithA64MibHeap(@TempDir Path dir) throws Exception {
    joinAfterCompaction(dir, 128, 136);
  }

  /**
   * Nodes 1 and 2 (of voters 1, 2, 3) build {@code grows} × 8 MiB of state and compact their logs
   * behind a snapshot; then node 3 starts empty in a child JVM with {@code -Xmx64m}.
   */
  private void joinAfterCompaction(Path dir, int grows, long snapshotEvery) throws Exception {
    Map<Long, Integer> ports = Map.of(1L, freePort(), 2L, freePort(), 3L, freePort());
    Map<Long, RaftServer> servers = new TreeMap<>();
    Map<Long, RaftGroup> groups = new TreeMap<>();
    Map<Long, BlobStateMachine> machines = new TreeMap<>();
    Process child = null;
    try {
      for (long id = 1; id <= 2; id++) {
        Map<Long, PeerAddress> peers = new HashMap<>();
        for (long peer = 1; peer <= 3; peer++) {
          if (peer != id) {
            peers.put(peer, new PeerAddress("127.0.0.1", ports.get(peer)));
          }
        }
        Path nodeDir = dir.resolve("n" + id);
        RaftServer server =
            RaftServer.start(
                new ServerConfig(id, CLUSTER, "127.0.0.1", ports.get(id), peers, nodeDir, 2, null));
        servers.put(id, server);
        BlobStateMachine sm = new BlobStateMachine(nodeDir.resolve("state"));
        machines.put(id, sm);
        groups.put(
            id,
            server.group(
                GROUP, sm, voters(List.of(1L, 2L, 3L)), options(snapshotEvery), raftConfig(id)));
      }
      long expectedSize = build(groups, grows, snapshotEvery);
      String digest = machines.get(1L).digest();
      assertThat(machines.get(2L).digest()).isEqualTo(digest);

      long started = System.nanoTime();
      Path n3 = dir.resolve("n3");
      child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-XX:+UseSerialGC",
                  "-XX:+ExitOnOutOfMemoryError",
                  // RocksDB's native library is extracted there; not left behind in /tmp if killed
                  "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("n3-tmp")),
                  "-cp",
                  System.getProperty("java.class.path"),
                  SnapshotFollowerMain.class.getName(),
                  n3.toString(),
                  "3",
                  Integer.toString(ports.get(3L)),
                  CLUSTER,
                  Long.toString(snapshotEvery),
                  "1=127.0.0.1:" + ports.get(1L),
                  "2=127.0.0.1:" + ports.get(2L))
              .redirectErrorStream(true)
              .start();
      ChildOutput out = new ChildOutput(child);
      Process running = child;
      await(
          () -> {
            String[] state = out.lastState();
            return (state != null
                    && Long.parseLong(state[2]) == expectedSize
                    && state[3].equals(digest))
                || !running.isAlive();
          },
          Duration.ofMinutes(grows > 20 ? 10 : 3),
          () -> "node 3 to converge; its output ends with:\n" + out.tail());
      assertThat(child.isAlive()).as("node 3 is alive; output:\n%s", out.tail()).isTrue();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.printf(
          "LargeSnapshotStreamingTest: %d MiB of state reached a new node (64 MiB heap) in %d ms,"
              + " JVM start included%n",
          expectedSize >> 20, millis);

      // The image arrived as a file in node 3's snapshot directory, as large as the state.
      try (Stream<Path> files = Files.list(n3.resolve("snapshots").resolve(GROUP))) {
        List<Path> snaps = files.filter(p -> p.toString().endsWith(".snap")).toList();
        assertThat(snaps).isNotEmpty();
        long largest = 0;
        for (Path p : snaps) {
          largest = Math.max(largest, Files.size(p));
        }
        assertThat(largest).isGreaterThan(expectedSize);
      }
    } finally {
      if (child != null) {
        child.getOutputStream().close();
        if (!child.waitFor(20, TimeUnit.SECONDS)) {
          child.destroyForcibly().waitFor();
        }
      }
      servers.values().forEach(s -> s.close(Duration.ofSeconds(1)));
    }
  }

  /**
   * Grows the state by {@code grows} × 8 MiB through the leader, then proposes empty commands until
   * every running node has snapshotted (and so compacted its log) past all of it.
   *
   * @return the state's size
   */
  private static long build(Map<Long, RaftGroup> groups, int grows, long snapshotEvery)
      throws Exception {
    long size = 0;
    for (int i = 0; i < grows; i++) {
      size = (Long) propose(groups, BlobStateMachine.grow(i, GROW_BYTES));
    }
    long lastGrow = leader(groups).appliedIndex();
    for (int i = 0; i <= snapshotEvery; i++) {
      propose(groups, BlobStateMachine.grow(-1, 0));
    }
    for (RaftGroup g : groups.values()) {
      await(
          () -> g.appliedIndex() >= lastGrow + snapshotEvery && g.stats().snapshotsTaken() > 0,
          Duration.ofMinutes(2),
          () -> "node " + g.status().id() + " to snapshot past " + lastGrow);
    }
    return size;
  }

  /** Proposes through the current leader; a proposal refused for want of a leader is retried. */
  private static Object propose(Map<Long, RaftGroup> groups, byte[] command) throws Exception {
    while (true) {
      try {
        return leader(groups).propose(command).get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        // NotLeaderException: never appended, so proposing again cannot apply it twice.
        if (!(e.getCause() instanceof NotLeaderException)) {
          throw e;
        }
      }
    }
  }

  private static RaftGroup leader(Map<Long, RaftGroup> groups) {
    return groups.get(LocalCluster.awaitLeader(groups, "a leader"));
  }

  @Test
  void aSnapshotStreamBrokenMidWayIsReportedAsFailureAndSentAgain(@TempDir Path dir)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    List<AutoCloseable> toClose = new ArrayList<>();
    try {
      Map<Long, TransportBinding> bindings = new TreeMap<>();
      Map<Long, GrpcTransport> transports = new TreeMap<>();
      BreakingSink breaking = null;
      for (long id = 1; id <= 3; id++) {
        TransportBinding binding = new TransportBinding();
        SnapshotSink sink = binding;
        if (id == 3) {
          breaking = new BreakingSink(binding, 1 << 20);
          sink = breaking;
        }
        GrpcTransport t =
            new GrpcTransport(
                GrpcTransportConfig.builder()
                    .nodeId(id)
                    .clusterId(CLUSTER)
                    .bindHost("127.0.0.1")
                    .port(0)
                    .snapshotSink(sink)
                    .build(),
                binding);
        t.start();
        binding.attach(t);
        toClose.add(t);
        bindings.put(id, binding);
        transports.put(id, t);
      }
      for (GrpcTransport from : transports.values()) {
        for (GrpcTransport to : transports.values()) {
          if (from != to) {
            from.addPeer(to.localId(), new PeerAddress("127.0.0.1", to.port()));
          }
        }
      }
      Map<Long, RaftGroup> groups = new TreeMap<>();
      Map<Long, BlobStateMachine> machines = new TreeMap<>();
      long snapshotEvery = 8;
      for (long id = 1; id <= 2; id++) {
        startHandAssembled(
            id, dir, bindings, groups, machines, snapshotEvery, pool, timer, toClose);
      }
      // 4 × 8 MiB: the first stream breaks after 1 MiB.
      long size = build(groups, 4, snapshotEvery);
      RaftGroup three =
          startHandAssembled(
              3, dir, bindings, groups, machines, snapshotEvery, pool, timer, toClose);
      await(
          () -> machines.get(3L).size() == size,
          Duration.ofMinutes(1),
          () -> "node 3 to catch up from a snapshot");
      assertThat(machines.get(3L).digest()).isEqualTo(machines.get(1L).digest());
      assertThat(breaking.broken.get()).as("streams broken on purpose").isEqualTo(1);
      long failed = 0;
      long sent = 0;
      for (long id = 1; id <= 2; id++) {
        failed += transports.get(id).stats().snapshotsFailed();
        sent += transports.get(id).stats().snapshotsSent();
      }
      assertThat(failed).as("streams the leader saw fail").isPositive();
      assertThat(sent).as("streams the leader completed").isPositive();
      assertThat(three.appliedIndex()).isPositive();
      // The broken stream's partial file is gone; only complete snapshot files remain.
      try (Stream<Path> files = Files.list(dir.resolve("n3").resolve("snapshots"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .allMatch(name -> name.endsWith(".snap"));
      }
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        toClose.get(i).close();
      }
      timer.shutdownNow();
      pool.shutdownNow();
    }
  }

  private static RaftGroup startHandAssembled(
      long id,
      Path dir,
      Map<Long, TransportBinding> bindings,
      Map<Long, RaftGroup> groups,
      Map<Long, BlobStateMachine> machines,
      long snapshotEvery,
      ExecutorService pool,
      ScheduledExecutorService timer,
      List<AutoCloseable> toClose) {
    Path nodeDir = dir.resolve("n" + id);
    RocksDbStore store = RocksDbStore.open(nodeDir.resolve("raft"));
    toClose.add(store);
    BlobStateMachine sm = new BlobStateMachine(nodeDir.resolve("state"));
    RaftGroup g =
        new RaftGroup(
            options(snapshotEvery),
            raftConfig(id).id(id).build(),
            RocksDbGroupStorage.bootstrapIfEmpty(
                store.group(GROUP),
                SnapshotStore.open(nodeDir.resolve("snapshots"), 2),
                voters(List.of(1L, 2L, 3L))),
            sm,
            bindings.get(id).senderFor(GROUP),
            pool,
            timer);
    bindings.get(id).bind(g);
    toClose.add(g);
    groups.put(id, g);
    machines.put(id, sm);
    g.start();
    return g;
  }

  /** Breaks the first incoming stream after {@code breakAfter} bytes, as a dying disk would. */
  private static final class BreakingSink implements SnapshotSink {
    private final SnapshotSink inner;
    private final long breakAfter;
    final AtomicInteger broken = new AtomicInteger();
    private final AtomicInteger toBreak = new AtomicInteger(1);

    BreakingSink(SnapshotSink inner, long breakAfter) {
      this.inner = inner;
      this.breakAfter = breakAfter;
    }

    @Override
    public SnapshotWriter open(String group, long fromPeer, SnapshotMetadata metadata)
        throws IOException {
      SnapshotWriter w = inner.open(group, fromPeer, metadata);
      if (toBreak.getAndDecrement() <= 0) {
        return w;
      }
      return new SnapshotWriter() {
        private long written;

        @Override
        public void write(byte[] chunk, int offset, int length) throws IOException {
          if (written + length > breakAfter) {
            broken.incrementAndGet();
            throw new IOException("injected: the stream breaks after " + written + " bytes");
          }
          written += length;
          w.write(chunk, offset, length);
        }

        @Override
        public SnapshotImage complete() throws IOException {
          return w.complete();
        }

        @Override
        public void abort() {
          w.abort();
        }
      };
    }
  }

  /** Collects a child's output: its last STATE line and a tail for failure messages. */
  private static final class ChildOutput {
    private final AtomicReference<String[]> lastState = new AtomicReference<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();

    ChildOutput(Process p) {
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("STATE ")) {
                      lastState.set(line.split(" "));
                    }
                    synchronized (tail) {
                      tail.addLast(line);
                      if (tail.size() > 60) {
                        tail.removeFirst();
                      }
                    }
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    String[] lastState() {
      return lastState.get();
    }

    String tail() {
      synchronized (tail) {
        return String.join("\n", tail);
      }
    }
  }

  private static void await(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static int freePort() throws IOException {
    return FreePorts.next();
  }
}
