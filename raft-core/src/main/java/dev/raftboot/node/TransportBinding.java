package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.transport.InboundHandler;
import dev.raftboot.transport.ReceivedSnapshot;
import dev.raftboot.transport.Transport;
import dev.raftboot.transport.TransportListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects {@link RaftGroup}s to a {@link Transport}: outgoing messages go out (snapshots on the
 * transport's snapshot stream), incoming ones are stepped into the right group, and delivery
 * failures are reported back to the group's Raft node. One binding per transport; give it to the
 * transport as its {@link TransportListener}.
 */
public final class TransportBinding implements TransportListener {
  private static final Logger log = LoggerFactory.getLogger(TransportBinding.class);

  private final ConcurrentHashMap<String, RaftGroup> groups = new ConcurrentHashMap<>();
  private volatile Transport transport;

  /** The transport this binding serves; set once, before any group is bound. */
  public void attach(Transport transport) {
    this.transport = transport;
  }

  /** The sender a group named {@code group} should be built with. */
  public MessageSender senderFor(String group) {
    return messages -> send(group, messages);
  }

  /** Routes the transport's traffic for {@code group} into it. */
  public void bind(RaftGroup group) {
    groups.put(group.name(), group);
    transport.registerGroup(
        group.name(),
        new InboundHandler() {
          @Override
          public void onMessages(List<Message> messages) {
            group.receive(messages);
          }

          @Override
          public void onSnapshot(ReceivedSnapshot snapshot) {
            group.receive(List.of(withData(snapshot)));
          }
        });
  }

  public void unbind(String group) {
    groups.remove(group);
    transport.unregisterGroup(group);
  }

  private void send(String group, List<Message> messages) {
    List<Message> plain = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m.getType() == MessageType.MSG_SNAPSHOT) {
        ByteString data = m.getSnapshot().getData();
        transport.sendSnapshot(group, m, data::newInput);
      } else {
        plain.add(m);
      }
    }
    if (!plain.isEmpty()) {
      transport.send(group, plain);
    }
  }

  /**
   * Puts the received image back into the MsgSnap. The image is read into memory here; the state
   * machines this runtime restores from a Message hold their snapshot in memory anyway.
   */
  private static Message withData(ReceivedSnapshot received) {
    try (InputStream in = received.image().openStream()) {
      ByteString data = ByteString.readFrom(in);
      Message m = received.message();
      return m.toBuilder().setSnapshot(m.getSnapshot().toBuilder().setData(data)).build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not read snapshot image of group " + received.group(), e);
    } finally {
      received.image().discard();
    }
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
}
