package dev.raftboot.spring.autoconfigure;

import org.springframework.util.unit.DataSize;

/** Where peer traffic is served. */
public class RaftTransportProperties {
  /**
   * Port of the dedicated peer server. Unused when peer traffic is served on the application's gRPC
   * server.
   */
  private int port = 7070;

  /** Interface the dedicated peer server binds to. */
  private String bindHost = "0.0.0.0";

  /**
   * Serve peer traffic on Spring Boot's gRPC server when the application runs one (then
   * raft.advertised-address must name that server's port); false always uses a dedicated port.
   */
  private boolean useGrpcServer = true;

  /** Largest peer message accepted; larger ones are refused and counted. */
  private DataSize maxInboundMessageSize = DataSize.ofMegabytes(16);

  /**
   * Netty event loop threads of the peer transport, shared by its server and its channels to peers;
   * 0 uses gRPC's shared default loops (two per core). One is enough for a few peers: it writes a
   * message to every peer, and reads their answers, in one wake-up.
   */
  private int ioThreads = 1;

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public String getBindHost() {
    return bindHost;
  }

  public void setBindHost(String bindHost) {
    this.bindHost = bindHost;
  }

  public boolean isUseGrpcServer() {
    return useGrpcServer;
  }

  public void setUseGrpcServer(boolean useGrpcServer) {
    this.useGrpcServer = useGrpcServer;
  }

  public int getIoThreads() {
    return ioThreads;
  }

  public void setIoThreads(int ioThreads) {
    this.ioThreads = ioThreads;
  }

  public DataSize getMaxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  public void setMaxInboundMessageSize(DataSize maxInboundMessageSize) {
    this.maxInboundMessageSize = maxInboundMessageSize;
  }
}
