package dev.raftboot.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.LockSupport;

/**
 * The disk's sync time in the node's data dir: append 128 bytes to a file and {@code
 * FileChannel.force(false)}, as a WAL sync does. The floor under every acknowledged write.
 */
final class SyncProbe {
  /** Between rounds of {@link #quorumSync}: about a lone writer's time between its writes. */
  private static final long QUORUM_ROUND_GAP_NANOS = 1_000_000;

  private SyncProbe() {}

  static String fsync(Path dir, int samples) throws IOException {
    Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
    Latencies latencies = new Latencies();
    try (FileChannel channel = open(file)) {
      ByteBuffer record = ByteBuffer.allocate(BenchNode.COMMAND_BYTES);
      for (int i = 0; i < samples; i++) {
        record.clear();
        long began = System.nanoTime();
        channel.write(record);
        channel.force(false);
        latencies.add(System.nanoTime() - began);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return Latencies.merge(List.of(latencies)).summary();
  }

  /**
   * What a lone writer's commit waits for at the least when {@code nodes} nodes share one disk:
   * {@code nodes} threads, one file each, append 128 bytes and sync at the same instant, as the
   * leader and its followers do for one write; each round's figure is the time from the start until
   * a majority of the syncs are done (a quorum durable). Rounds are {@value
   * #QUORUM_ROUND_GAP_NANOS} ns apart, about a lone writer's pace, so the disk is idle between them
   * as it is for that writer (with {@code nodes} = 1: a lone sync at that pace). Counts the wake-up
   * of the threads, as a write counts its nodes' loops waking.
   */
  static String quorumSync(Path dir, int samples, int nodes)
      throws IOException, InterruptedException {
    List<Path> files = new ArrayList<>();
    List<FileChannel> channels = new ArrayList<>();
    try {
      for (int n = 0; n < nodes; n++) {
        files.add(Files.createTempFile(dir, "quorum-sync-probe", ".bin"));
        channels.add(open(files.get(n)));
      }
      long[][] done = new long[samples][nodes];
      CyclicBarrier start = new CyclicBarrier(nodes + 1);
      CyclicBarrier end = new CyclicBarrier(nodes + 1);
      List<Thread> syncers = new ArrayList<>();
      for (int n = 0; n < nodes; n++) {
        int node = n;
        Thread t =
            new Thread(
                () -> syncRounds(channels.get(node), samples, done, node, start, end),
                "quorum-sync-probe-" + n);
        t.start();
        syncers.add(t);
      }
      Latencies quorum = new Latencies();
      for (int i = 0; i < samples; i++) {
        LockSupport.parkNanos(QUORUM_ROUND_GAP_NANOS);
        long began = System.nanoTime();
        await(start);
        await(end);
        long[] round = done[i].clone();
        Arrays.sort(round);
        quorum.add(round[nodes / 2] - began);
      }
      for (Thread t : syncers) {
        t.join();
      }
      return Latencies.merge(List.of(quorum)).summary();
    } finally {
      for (FileChannel c : channels) {
        c.close();
      }
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static void syncRounds(
      FileChannel channel,
      int samples,
      long[][] done,
      int node,
      CyclicBarrier start,
      CyclicBarrier end) {
    ByteBuffer record = ByteBuffer.allocate(BenchNode.COMMAND_BYTES);
    for (int i = 0; i < samples; i++) {
      await(start);
      try {
        record.clear();
        channel.write(record);
        channel.force(false);
      } catch (IOException e) {
        // A thread that dies does not break a barrier: break both, or the others wait forever.
        start.reset();
        end.reset();
        throw new UncheckedIOException(e);
      }
      done[i][node] = System.nanoTime();
      await(end);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sync probe interrupted", e);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("a sync probe thread failed", e);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }
}
