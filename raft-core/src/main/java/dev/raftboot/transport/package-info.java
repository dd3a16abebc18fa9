/**
 * Peer transport (layer 4): moves {@link dev.raftboot.proto.Message}s and snapshots between the
 * nodes of a cluster for many Raft groups at once. {@link dev.raftboot.transport.Transport} is the
 * SPI the node runtime uses; {@link dev.raftboot.transport.GrpcTransport} is the network
 * implementation and {@link dev.raftboot.transport.InProcessTransport} the one for tests. Uses only
 * {@code dev.raftboot.proto} and {@code dev.raftboot.core}; never Spring, never the runtime.
 */
package dev.raftboot.transport;
