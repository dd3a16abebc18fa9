package dev.raftboot.transport;

import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound routing shared by both transports: finds a group's handler, checks that messages are
 * addressed to this node, counts and logs what is refused (each unknown group is logged once at
 * WARN, then at DEBUG, so a misconfigured peer cannot flood the log).
 */
final class GroupRegistry {
  private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

  private final long localId;
  private final TransportCounters counters;
  private final Map<String, InboundHandler> handlers = new ConcurrentHashMap<>();
  private final Set<String> warnedGroups = ConcurrentHashMap.newKeySet();

  GroupRegistry(long localId, TransportCounters counters) {
    this.localId = localId;
    this.counters = counters;
  }

  void register(String group, InboundHandler handler) {
    handlers.put(group, handler);
    warnedGroups.remove(group);
  }

  void unregister(String group) {
    handlers.remove(group);
  }

  /** The handler of {@code group}, or null after counting and logging the rejection. */
  InboundHandler handlerOrReject(String group, Object source) {
    InboundHandler handler = handlers.get(group);
    if (handler == null) {
      counters.reject(RejectReason.UNKNOWN_GROUP);
      if (warnedGroups.add(group)) {
        log.warn(
            "node {}: rejected traffic from {} for unknown group '{}'", localId, source, group);
      } else {
        log.debug(
            "node {}: rejected traffic from {} for unknown group '{}'", localId, source, group);
      }
    }
    return handler;
  }

  /**
   * Hands a batch to its group's handler, keeping only messages addressed to this node.
   *
   * @return false when the batch was refused as a whole (unknown group or a failing handler)
   */
  boolean deliver(String group, List<Message> messages, int bytes, Object source) {
    InboundHandler handler = handlerOrReject(group, source);
    if (handler == null) {
      return false;
    }
    List<Message> accepted = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m.getTo() == localId) {
        accepted.add(m);
      } else {
        counters.reject(RejectReason.MALFORMED);
        log.debug("node {}: dropped a message from {} addressed to {}", localId, source, m.getTo());
      }
    }
    if (accepted.isEmpty()) {
      return true;
    }
    try {
      handler.onMessages(List.copyOf(accepted));
    } catch (RuntimeException e) {
      counters.reject(RejectReason.HANDLER_FAILED);
      log.warn("node {}: handler of group '{}' failed on inbound messages", localId, group, e);
      return false;
    }
    counters.messagesReceived.add(accepted.size());
    counters.bytesReceived.add(bytes);
    counters.peer(accepted.get(0).getFrom()).bytesReceived.add(bytes);
    return true;
  }

  /** Snapshots travel on their own stream: {@code send} refuses them. */
  static void requireNoSnapshots(List<Message> messages) {
    for (Message m : messages) {
      if (m.getType() == MessageType.MSG_SNAPSHOT) {
        throw new IllegalArgumentException("MSG_SNAPSHOT goes through sendSnapshot, not send");
      }
    }
  }
}
