package dev.raftboot.transport;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport's own Netty event loops, shared by its server and every channel to a peer: epoll
 * where the native transport loads, else NIO.
 *
 * <p>Why its own, and few: gRPC's default group has two threads per core, and spreads a node's
 * connections over them, so one Ready that goes to two peers wakes two threads, and the answers of
 * two peers arrive on two more. On a loaded machine every such wake-up is a context switch; one
 * loop that writes to both peers in one wake-up, and reads their answers in one, does the same work
 * with fewer.
 */
final class IoThreads implements AutoCloseable {
  private final EventLoopGroup group;
  private final boolean epoll;

  /** {@code threads} daemon threads named {@code namePrefix-1}, {@code -2}, ... */
  IoThreads(int threads, String namePrefix) {
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    AtomicInteger n = new AtomicInteger();
    // Netty's own thread class: its fast thread-locals (buffer caches) work only on those.
    ThreadFactory factory =
        r -> {
          Thread t = new FastThreadLocalThread(r, namePrefix + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.group = new MultiThreadIoEventLoopGroup(threads, factory, handlers);
  }

  NettyServerBuilder configure(NettyServerBuilder server) {
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    return server.bossEventLoopGroup(group).workerEventLoopGroup(group).channelType(type);
  }

  NettyChannelBuilder configure(NettyChannelBuilder channel) {
    return channel
        .eventLoopGroup(group)
        .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
  }

  /** Stops the loops once the server and channels using them are shut down. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
