package dev.raftboot.benchmarks.e2e;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.node.GroupOptions;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.node.RaftServer;
import dev.raftboot.node.ServerConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.transport.PeerAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One node of the end-to-end benchmark, in its own JVM: a {@link RaftServer} hosting the group
 * {@value #GROUP}, driven by the launcher ({@link EndToEndBenchmark}) through lines on stdin.
 * Answers are lines on stdout starting with {@value #REPLY}; anything else on stdout is noise the
 * launcher ignores.
 *
 * <pre>
 * status                      → leader=true leaderId=1 term=2 applied=17
 * load CLIENTS SECONDS        → ops=.. rate=.. errors=.. p50us=.. p99us=.. p999us=.. syncs=..
 * read CLIENTS SECONDS        → the same, for linearizableBarrier() then a local read
 * lease CLIENTS SECONDS       → the same, for leaseBarrier() (no heartbeat round on the leader)
 * fsync SAMPLES               → FileChannel.force of 128 bytes in the data dir: p50us=..
 * qsync SAMPLES NODES         → NODES such syncs at once, 1 ms apart, until a majority is done
 * rtt PORT SAMPLES            → TCP ping-pong of 128 bytes with another node's echo port
 * writer CLIENTS TIMEOUT_MS   → starts writing without pause ("started")
 * stop DISTURBED_AT_MICROS    → stops the writer: acked=.. maxGapMs=.. recoveryMs=..
 * shutdown GRACE_MS           → RaftServer.close(grace), then exits
 * </pre>
 */
public final class BenchNode {
  static final String GROUP = "bench";
  static final String REPLY = "@@ ";
  static final int COMMAND_BYTES = 128;

  private final RaftServer server;
  private final RaftGroup group;
  private final CounterStateMachine machine = new CounterStateMachine();
  private final EchoServer echo;
  private final Path dataDir;
  private final PrintStream out;
  private ContinuousWriter writer;

  private BenchNode(Map<String, String> args, PrintStream out) throws IOException {
    this.out = out;
    long id = Long.parseLong(args.get("id"));
    this.dataDir = Path.of(args.get("dir"));
    Map<Long, PeerAddress> peers = new HashMap<>();
    ConfState.Builder voters = ConfState.newBuilder().addVoters(id);
    for (String peer : args.get("peers").split(",")) {
      String[] idAndAddress = peer.split("=", 2);
      long peerId = Long.parseLong(idAndAddress[0]);
      peers.put(peerId, PeerAddress.parse(idAndAddress[1]));
      voters.addVoters(peerId);
    }
    int ioThreads = Integer.parseInt(args.getOrDefault("io-threads", "1"));
    this.server =
        RaftServer.create(
                new ServerConfig(
                    id,
                    "e2e-bench",
                    "127.0.0.1",
                    Integer.parseInt(args.get("port")),
                    peers,
                    dataDir,
                    Integer.parseInt(args.getOrDefault("threads", "2")),
                    null),
                transport -> transport.ioThreads(ioThreads))
            .start();
    GroupOptions options =
        new GroupOptions(
            GROUP,
            Duration.ofMillis(Long.parseLong(args.get("tick-ms"))),
            Duration.ofSeconds(5),
            100_000,
            10_000);
    this.group =
        server.group(
            GROUP,
            machine,
            voters.build(),
            options,
            RaftConfig.builder()
                .electionTick(Integer.parseInt(args.get("election-ticks")))
                .heartbeatTick(Integer.parseInt(args.get("heartbeat-ticks")))
                .preVote(true)
                .checkQuorum(true));
    this.echo = new EchoServer();
  }

  /** Entry point of a node JVM: {@code --id 1 --port P --peers 2=127.0.0.1:P2,3=.. --dir D ..}. */
  public static void main(String[] argv) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    BenchNode node = new BenchNode(args, out);
    node.reply("ready echoPort=" + node.echo.port());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      try {
        if (!node.handle(words)) {
          break;
        }
      } catch (Exception e) {
        node.reply("error " + e.toString().replace('\n', ' '));
      }
    }
    node.out.flush();
    System.exit(0);
  }

  private void reply(String text) {
    out.println(REPLY + text);
  }

  private boolean handle(String[] words) throws Exception {
    switch (words[0]) {
      case "status" -> {
        Status s = group.status();
        reply(
            "leader="
                + (s.role() == StateRole.LEADER)
                + " leaderId="
                + s.leaderId()
                + " term="
                + s.term()
                + " applied="
                + group.appliedIndex());
      }
      case "load", "aload" -> {
        long syncsBefore = server.writeCoordinator().syncs();
        String result = load(words, () -> group.propose(command()));
        // Group commit at work: how many synced RocksDB writes this node made meanwhile.
        reply(result + " syncs=" + (server.writeCoordinator().syncs() - syncsBefore));
      }
      case "read", "aread" ->
          reply(
              load(
                  words,
                  () -> group.linearizableBarrier().thenApply(ignored -> machine.commands())));
      case "lease", "alease" ->
          reply(load(words, () -> group.leaseBarrier().thenApply(ignored -> machine.commands())));
      case "jit" ->
          reply("compileMs=" + ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
      case "fsync" -> reply(SyncProbe.fsync(dataDir, Integer.parseInt(words[1])));
      case "qsync" ->
          reply(
              SyncProbe.quorumSync(
                  dataDir, Integer.parseInt(words[1]), Integer.parseInt(words[2])));
      case "rtt" ->
          reply(EchoServer.pingPong(Integer.parseInt(words[1]), Integer.parseInt(words[2])));
      case "writer" -> {
        writer =
            new ContinuousWriter(
                Integer.parseInt(words[1]),
                Long.parseLong(words[2]),
                () -> group.propose(command()));
        reply("started");
      }
      case "stop" -> {
        reply(writer.stop(Long.parseLong(words[1])));
        writer = null;
      }
      case "shutdown" -> {
        long began = System.nanoTime();
        server.close(Duration.ofMillis(Long.parseLong(words[1])));
        echo.close();
        reply(String.format("closed ms=%.1f", (System.nanoTime() - began) / 1e6));
        return false;
      }
      default -> reply("error unknown command " + words[0]);
    }
    return true;
  }

  /**
   * {@code words}: a load command, clients, seconds. A command starting with "a" ({@code aload},
   * {@code aread}, {@code alease}) runs asynchronous clients, the others a thread per client.
   */
  private static String load(String[] words, Supplier<CompletableFuture<?>> operation)
      throws InterruptedException {
    return words[0].startsWith("a")
        ? AsyncClosedLoopLoad.run(clients(words), seconds(words), operation)
        : ClosedLoopLoad.run(clients(words), seconds(words), operation);
  }

  private static int clients(String[] words) {
    return Integer.parseInt(words[1]);
  }

  private static double seconds(String[] words) {
    return Double.parseDouble(words[2]);
  }

  private static byte[] command() {
    byte[] command = new byte[COMMAND_BYTES];
    ThreadLocalRandom.current().nextBytes(command);
    return command;
  }
}
