package dev.raftboot.transport;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/** Message builders for transport tests. */
final class Msgs {
  private Msgs() {}

  static Message append(long from, long to, long index) {
    return append(from, to, index, 16);
  }

  static Message append(long from, long to, long index, int payloadBytes) {
    return Message.newBuilder()
        .setType(MessageType.MSG_APPEND)
        .setFrom(from)
        .setTo(to)
        .setTerm(1)
        .setIndex(index)
        .addEntries(
            Entry.newBuilder()
                .setTerm(1)
                .setIndex(index + 1)
                .setData(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }

  static List<Message> appends(long from, long to, int count) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(append(from, to, i));
    }
    return out;
  }

  static Message snapshot(long from, long to, long index) {
    return Message.newBuilder()
        .setType(MessageType.MSG_SNAPSHOT)
        .setFrom(from)
        .setTo(to)
        .setTerm(2)
        .setSnapshot(
            Snapshot.newBuilder()
                .setData(ByteString.copyFromUtf8("not sent"))
                .setMetadata(
                    SnapshotMetadata.newBuilder()
                        .setIndex(index)
                        .setTerm(2)
                        .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2))))
        .build();
  }
}
