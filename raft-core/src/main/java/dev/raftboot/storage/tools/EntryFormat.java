package dev.raftboot.storage.tools;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.SnapshotMetadata;
import java.nio.charset.StandardCharsets;

/** One-line human renderings of stored records, for the tools' output. */
final class EntryFormat {
  private static final int PREVIEW_BYTES = 48;

  private EntryFormat() {}

  static String hardState(HardState hs) {
    return "term=" + hs.getTerm() + " vote=" + hs.getVote() + " commit=" + hs.getCommit();
  }

  static String confState(ConfState cs) {
    String s =
        "voters="
            + cs.getVotersList()
            + " learners="
            + cs.getLearnersList()
            + (cs.getVotersOutgoingCount() > 0
                ? " voters_outgoing=" + cs.getVotersOutgoingList()
                : "")
            + (cs.getLearnersNextCount() > 0 ? " learners_next=" + cs.getLearnersNextList() : "");
    return cs.getAutoLeave() ? s + " auto_leave" : s;
  }

  static String snapshot(SnapshotMetadata m) {
    return "index=" + m.getIndex() + " term=" + m.getTerm() + " " + confState(m.getConfState());
  }

  static String entry(Entry e) {
    return String.format(
        "%10d  term=%-6d %-20s %6d bytes  %s",
        e.getIndex(), e.getTerm(), e.getType(), e.getData().size(), payload(e));
  }

  private static String payload(Entry e) {
    try {
      switch (e.getType()) {
        case ENTRY_CONF_CHANGE_V2:
          return TextFormat.shortDebugString(ConfChangeV2.parseFrom(e.getData()));
        case ENTRY_CONF_CHANGE:
          return TextFormat.shortDebugString(ConfChange.parseFrom(e.getData()));
        default:
          return preview(e.getData());
      }
    } catch (InvalidProtocolBufferException ex) {
      return "(undecodable conf change) " + preview(e.getData());
    }
  }

  /** Text if the payload looks like text, else hex; cut to a preview either way. */
  static String preview(ByteString data) {
    ByteString head = data.substring(0, Math.min(data.size(), PREVIEW_BYTES));
    String more = data.size() > PREVIEW_BYTES ? "…" : "";
    boolean text = true;
    for (int i = 0; i < head.size(); i++) {
      int b = head.byteAt(i) & 0xFF;
      if (b < 0x20 || b > 0x7E) {
        text = false;
        break;
      }
    }
    if (text) {
      return "\"" + head.toString(StandardCharsets.US_ASCII) + "\"" + more;
    }
    StringBuilder hex = new StringBuilder("0x");
    for (int i = 0; i < head.size(); i++) {
      hex.append(String.format("%02x", head.byteAt(i) & 0xFF));
    }
    return hex + more;
  }
}
