package dev.raftboot.node;

import dev.raftboot.proto.Message;
import java.util.List;

/** Where a group's outgoing messages go: the transport, or a test network. Must not block. */
@FunctionalInterface
public interface MessageSender {
  void send(List<Message> messages);
}
