package dev.raftboot.node;

import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.JoinRequest;
import dev.raftboot.proto.JoinResponse;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.transport.InboundHandler;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.ReceivedSnapshot;
import dev.raftboot.transport.SnapshotSink;
import dev.raftboot.transport.SnapshotWriter;
import dev.raftboot.transport.Transport;
import dev.raftboot.transport.TransportListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects {@link RaftGroup}s to a {@link Transport}: outgoing messages go out, incoming ones are
 * stepped into the right group, and delivery failures are reported back to the group's Raft node.
 * One binding per transport; give it to the transport as its {@link TransportListener}, and
 * preferably as its {@link SnapshotSink} too.
 *
 * <p>Snapshot images never pass through memory whole: an outgoing MSG_SNAPSHOT goes on the
 * transport's snapshot stream with its image read from the group's storage as the stream asks for
 * chunks, and an incoming image is written by the transport, chunk by chunk, where the group's
 * storage says ({@link GroupStorage#receiveSnapshot}: for RocksDB, into its snapshot directory, so
 * accepting it is a rename). With another sink the image is copied into storage, still streamed.
 *
 * <p>It also keeps the transport's peers in step with the groups' membership: a node added to a
 * group becomes a peer (at the address the change carried) when the change applies here, and a node
 * that is a member of no group any more stops being one. Addresses and removed ids are kept in a
 * {@link MembershipDirectory}; join checks are answered from it.
 */
public final class TransportBinding implements TransportListener, MemberRegistry, SnapshotSink {
  private static final Logger log = LoggerFactory.getLogger(TransportBinding.class);

  private final ConcurrentHashMap<String, RaftGroup> groups = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConfState> configurations = new ConcurrentHashMap<>();
  private final MembershipDirectory directory;
  private volatile Transport transport;
  private volatile PeerAddress selfAddress;

  /** A binding whose membership directory lives in memory. */
  public TransportBinding() {
    this(MembershipDirectory.inMemory());
  }

  public TransportBinding(MembershipDirectory directory) {
    this.directory = directory;
  }

  /**
   * The transport this binding serves; set once, before any group is bound. Every address in the
   * directory becomes a peer.
   */
  public void attach(Transport transport) {
    this.transport = transport;
    directory.addresses().forEach(this::addPeer);
  }

  /** Where node {@code nodeId} listens: this node's advertised address, or a member's recorded. */
  @Override
  public Optional<PeerAddress> addressOf(long nodeId) {
    return nodeId == transport.localId()
        ? Optional.ofNullable(selfAddress)
        : directory.address(nodeId);
  }

  /**
   * Configured peers: recorded in the directory (configuration wins) and added to the transport.
   */
  public void addPeers(Map<Long, PeerAddress> peers) {
    directory.recordAddresses(peers);
    peers.forEach(this::addPeer);
  }

  /** The address other nodes reach this one at, handed to joining nodes in join checks. */
  public void advertise(PeerAddress address) {
    this.selfAddress = address;
  }

  public MembershipDirectory directory() {
    return directory;
  }

  private void addPeer(long id, PeerAddress address) {
    if (id != transport.localId()) {
      transport.addPeer(id, address);
    }
  }

  /** The sender a group named {@code group} should be built with. */
  public MessageSender senderFor(String group) {
    return messages -> send(group, messages);
  }

  /** Routes the transport's traffic for {@code group} into it. */
  public void bind(RaftGroup group) {
    groups.put(group.name(), group);
    configurations.put(group.name(), group.status().confState());
    group.useMemberRegistry(this);
    group.usePeerUptimes(transport::peerUptimes);
    transport.registerGroup(
        group.name(),
        new InboundHandler() {
          @Override
          public void onMessages(List<Message> messages) {
            group.receive(messages);
          }

          @Override
          public void onSnapshot(ReceivedSnapshot snapshot) {
            group.receiveSnapshot(snapshot.message(), snapshot.image());
          }
        });
  }

  public void unbind(String group) {
    groups.remove(group);
    configurations.remove(group);
    transport.unregisterGroup(group);
  }

  private void send(String group, List<Message> messages) {
    List<Message> plain = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m.getType() == MessageType.MSG_SNAPSHOT) {
        SnapshotMetadata meta = m.getSnapshot().getMetadata();
        // The core's message carries metadata only; the image is read when the stream starts.
        Message header = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder().clearData()).build();
        transport.sendSnapshot(group, header, () -> bound(group).openOutgoingSnapshot(meta));
      } else {
        plain.add(m);
      }
    }
    if (!plain.isEmpty()) {
      transport.send(group, plain);
    }
  }

  /** Writes an incoming image where the group's storage keeps images. */
  @Override
  public SnapshotWriter open(String group, long fromPeer, SnapshotMetadata metadata)
      throws IOException {
    return bound(group).openIncomingSnapshot(metadata);
  }

  private RaftGroup bound(String group) throws IOException {
    RaftGroup g = groups.get(group);
    if (g == null) {
      throw new IOException("group " + group + " is not bound to this transport");
    }
    return g;
  }

  @Override
  public void unreachable(String group, long peerId) {
    RaftGroup g = groups.get(group);
    if (g != null) {
      g.reportUnreachable(peerId);
    }
  }

  @Override
  public void snapshotStatus(String group, long peerId, SnapshotStatus status) {
    RaftGroup g = groups.get(group);
    if (g != null) {
      log.debug("group {}: snapshot to {} {}", group, peerId, status);
      g.reportSnapshot(peerId, status);
    }
  }

  // ---------------------------------------------------------------- membership

  @Override
  public void configurationChanged(
      String group, ConfState before, ConfState after, Map<Long, PeerAddress> addresses) {
    directory.recordAddresses(addresses).forEach(this::addPeer);
    configurations.put(group, after);
    Set<Long> gone = MemberRegistry.members(before);
    gone.removeAll(MemberRegistry.members(after));
    directory.recordRemoved(group, gone);
    for (long id : gone) {
      if (id != transport.localId() && !memberOfAnyGroup(id)) {
        log.info(
            "node {}: {} left its last group ({}); dropping it as a peer",
            transport.localId(),
            id,
            group);
        transport.removePeer(id);
        directory.forgetAddress(id);
      }
    }
  }

  private boolean memberOfAnyGroup(long id) {
    for (ConfState cs : configurations.values()) {
      if (MemberRegistry.members(cs).contains(id)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Set<Long> removedIds(String group) {
    return directory.removed(group);
  }

  /** Asks the joining node, handing it the members' addresses and the removed ids. */
  @Override
  public CompletableFuture<JoinResponse> checkJoin(
      String group, long nodeId, PeerAddress address, ConfState current) {
    Map<Long, PeerAddress> known = directory.addresses();
    JoinRequest.Builder request =
        JoinRequest.newBuilder().setGroup(group).setNodeId(nodeId).setFrom(transport.localId());
    for (long member : MemberRegistry.members(current)) {
      PeerAddress a = member == transport.localId() ? selfAddress : known.get(member);
      if (a != null && member != nodeId) {
        request.putPeers(member, a.toString());
      }
    }
    if (selfAddress != null) {
      request.putPeers(transport.localId(), selfAddress.toString());
    }
    request.addAllRemoved(directory.removed(group));
    return transport.requestJoin(address, request.build());
  }

  /** This node is asked to join a group: refuse when it does not host it or was removed from it. */
  @Override
  public JoinResponse joinRequested(JoinRequest request) {
    long self = transport.localId();
    JoinResponse.Builder response = JoinResponse.newBuilder().setNodeId(self);
    String group = request.getGroup();
    if (!groups.containsKey(group)) {
      return response
          .setReason(JoinRejectedException.Reason.UNKNOWN_GROUP.name())
          .setDetail("node " + self + " does not host group '" + group + "'; start it in join mode")
          .build();
    }
    if (directory.removed(group).contains(self) || request.getRemovedList().contains(self)) {
      return response
          .setReason(JoinRejectedException.Reason.REMOVED_NODE_ID.name())
          .setDetail("node " + self + " was removed from group '" + group + "' before")
          .build();
    }
    Map<Long, PeerAddress> peers = new TreeMap<>();
    request.getPeersMap().forEach((id, a) -> peers.put(id, PeerAddress.parse(a)));
    peers.remove(self);
    directory.recordAddresses(peers).forEach(this::addPeer);
    directory.recordRemoved(group, request.getRemovedList());
    log.info(
        "node {}: accepted to join group '{}' (asked by node {})", self, group, request.getFrom());
    return response.setAccepted(true).build();
  }
}
