package dev.raftboot.core;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hand-made messages for stepping directly into a node. */
final class Msgs {
  private Msgs() {}

  static Message.Builder msg(MessageType type, long from, long to, long term) {
    return Message.newBuilder().setType(type).setFrom(from).setTo(to).setTerm(term);
  }

  static Message vote(long from, long to, long term, long lastIndex, long lastTerm) {
    return msg(MessageType.MSG_REQUEST_VOTE, from, to, term)
        .setIndex(lastIndex)
        .setLogTerm(lastTerm)
        .build();
  }

  static Message preVote(long from, long to, long term, long lastIndex, long lastTerm) {
    return msg(MessageType.MSG_REQUEST_PRE_VOTE, from, to, term)
        .setIndex(lastIndex)
        .setLogTerm(lastTerm)
        .build();
  }

  static Message app(
      long from, long to, long term, long index, long logTerm, long commit, List<Entry> ents) {
    return msg(MessageType.MSG_APPEND, from, to, term)
        .setIndex(index)
        .setLogTerm(logTerm)
        .setCommit(commit)
        .addAllEntries(ents)
        .build();
  }

  static Message appResp(long from, long to, long term, long index) {
    return msg(MessageType.MSG_APPEND_RESPONSE, from, to, term).setIndex(index).build();
  }

  static Message heartbeat(long from, long to, long term, long commit) {
    return msg(MessageType.MSG_HEARTBEAT, from, to, term).setCommit(commit).build();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** The messages of the given type among msgs. */
  static List<Message> ofType(List<Message> msgs, MessageType type) {
    return msgs.stream().filter(m -> m.getType() == type).toList();
  }

  /** The single message of the given type among msgs. */
  static Message single(List<Message> msgs, MessageType type) {
    List<Message> found = ofType(msgs, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type + " in " + msgs);
    }
    return found.get(0);
  }
}
