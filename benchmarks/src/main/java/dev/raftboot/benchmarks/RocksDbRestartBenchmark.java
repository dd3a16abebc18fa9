package dev.raftboot.benchmarks;

import com.google.protobuf.ByteString;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a node takes to be ready to serve after a restart with a long log: open the RocksDB
 * store, open the group, build the {@code RawNode} from what is stored (hard state, configuration,
 * first and last index, the last entry's term). One operation is one such cold start over a log of
 * {@code entries} 128-byte entries, written once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class RocksDbRestartBenchmark {
  @Param({"1000000"})
  public int entries;

  private Path dir;

  @Setup(Level.Trial)
  public void writeLog() throws IOException {
    dir = Files.createTempDirectory("raft-restart-bench");
    byte[] payload = new byte[128];
    new Random(42).nextBytes(payload);
    ByteString data = ByteString.copyFrom(payload);
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage log = store.group("g");
      log.bootstrap(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build());
      List<Entry> batch = new ArrayList<>(10_000);
      for (int i = 1; i <= entries; i++) {
        batch.add(Entry.newBuilder().setTerm(1).setIndex(i).setData(data).build());
        if (batch.size() == 10_000 || i == entries) {
          log.persist(
              HardState.newBuilder().setTerm(1).setVote(1).setCommit(i).build(), batch, null);
          batch.clear();
        }
      }
    }
  }

  @Benchmark
  public long restart() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RawNode node =
          new RawNode(RaftConfig.builder().id(1).applied(entries).build(), store.group("g"));
      long last = node.status().lastIndex();
      if (last != entries) {
        throw new IllegalStateException("restarted with last index " + last);
      }
      return last;
    }
  }

  @TearDown(Level.Trial)
  public void deleteLog() throws IOException {
    BenchDirs.delete(dir);
  }
}
