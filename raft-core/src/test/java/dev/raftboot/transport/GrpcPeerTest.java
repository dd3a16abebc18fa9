package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One peer's sending side against a channel whose state the test decides. */
class GrpcPeerTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  // gRPC left alone retries a failed channel after 1 s, then 1.6 times longer each time, up to 2
  // minutes, and reports no state change in between: a peer that waited only for one would reach a
  // peer back from a long outage minutes late. It asks gRPC to dial again on its own backoff.
  @Test
  void aChannelThatStaysFailedIsRedialedOnThisTransportsBackoff() {
    FailedChannel channel = new FailedChannel();
    GrpcPeer peer =
        new GrpcPeer(
            2,
            new PeerAddress("127.0.0.1", 1),
            Grpc.config(1, dir).backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build(),
            channel,
            new TransportCounters(),
            TransportListener.NONE,
            Runnable::run,
            scheduler);
    peer.connect();
    await().atMost(Duration.ofSeconds(20)).until(() -> channel.redials.get() >= 3);
    assertThat(channel.calls.get()).as("no call on a channel that would fail it").isZero();
    peer.close();
  }

  /** A channel that reports TRANSIENT_FAILURE whatever is done to it. */
  private static final class FailedChannel extends ManagedChannel {
    final AtomicInteger redials = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public ConnectivityState getState(boolean requestConnection) {
      return ConnectivityState.TRANSIENT_FAILURE;
    }

    @Override
    public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
      // The state never changes.
    }

    @Override
    public void resetConnectBackoff() {
      redials.incrementAndGet();
    }

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      calls.incrementAndGet();
      throw new IllegalStateException("no call expected");
    }

    @Override
    public String authority() {
      return "127.0.0.1:1";
    }

    @Override
    public ManagedChannel shutdown() {
      return this;
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public ManagedChannel shutdownNow() {
      return this;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
