package dev.raftboot.transport;

import dev.raftboot.proto.Message;
import java.util.List;

/**
 * Receives what peers send to one Raft group. Implemented by the node runtime.
 *
 * <p>Called on transport threads; calls for one (peer, group) pair come one at a time and in the
 * order sent. Implementations must not block: a slow handler holds back the peer's stream (and,
 * through flow control, the sender), so hand the work to the group's loop.
 */
public interface InboundHandler {

  /** Messages addressed to this node, in the order the peer sent them. */
  void onMessages(List<Message> messages);

  /**
   * A snapshot whose whole image has arrived and passed its checksum. The handler owns {@code
   * snapshot.image()} from now on (and {@link SnapshotImage#discard() discards} it when done);
   * after restoring the state machine from it, the runtime steps {@code snapshot.message()}.
   */
  void onSnapshot(ReceivedSnapshot snapshot);
}
