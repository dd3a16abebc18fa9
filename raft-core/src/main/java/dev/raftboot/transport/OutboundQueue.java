package dev.raftboot.transport;

import dev.raftboot.proto.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One peer's bounded FIFO of messages waiting to be written. Thread-safe; every operation is a
 * short critical section, so producers never wait on the network.
 */
final class OutboundQueue {
  /** A queued message with the group it belongs to and its serialized size. */
  record Item(String group, Message message, int size) {}

  private final QueueLimits limits;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private long bytes;

  OutboundQueue(QueueLimits limits) {
    this.limits = limits;
  }

  /**
   * Appends {@code messages} in order until one does not fit.
   *
   * @return how many were accepted (a prefix of {@code messages}); the rest are the caller's to
   *     drop
   */
  synchronized int offerAll(String group, List<Message> messages) {
    int accepted = 0;
    for (Message m : messages) {
      int size = m.getSerializedSize();
      if (items.size() >= limits.maxMessages() || bytes + size > limits.maxBytes()) {
        break;
      }
      items.addLast(new Item(group, m, size));
      bytes += size;
      accepted++;
    }
    return accepted;
  }

  /**
   * Takes messages from the head up to {@code maxBytes} and {@code maxMessages}; always at least
   * one when not empty, so a message bigger than {@code maxBytes} still goes out alone.
   */
  synchronized List<Item> poll(long maxBytes, int maxMessages) {
    List<Item> out = new ArrayList<>();
    long taken = 0;
    while (!items.isEmpty() && out.size() < maxMessages) {
      Item head = items.peekFirst();
      if (!out.isEmpty() && taken + head.size() > maxBytes) {
        break;
      }
      items.removeFirst();
      bytes -= head.size();
      taken += head.size();
      out.add(head);
    }
    return out;
  }

  /** Empties the queue, returning what was in it. */
  synchronized List<Item> clear() {
    List<Item> out = new ArrayList<>(items);
    items.clear();
    bytes = 0;
    return out;
  }

  synchronized boolean isEmpty() {
    return items.isEmpty();
  }

  synchronized int size() {
    return items.size();
  }

  synchronized long bytes() {
    return bytes;
  }
}
