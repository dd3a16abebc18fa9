package dev.raftboot.transport;

import dev.raftboot.proto.Message;
import java.util.Objects;

/**
 * A snapshot that arrived whole: the MSG_SNAPSHOT to step (its snapshot metadata set, its snapshot
 * data empty) and the image to restore the state machine from first.
 */
public record ReceivedSnapshot(String group, Message message, SnapshotImage image) {
  public ReceivedSnapshot {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(image, "image");
  }
}
