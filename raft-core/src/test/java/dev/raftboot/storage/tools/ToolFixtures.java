package dev.raftboot.storage.tools;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A small log with a conf change in it, and a way to capture a tool's output. */
final class ToolFixtures {
  static final ConfState THREE =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  private ToolFixtures() {}

  /** Entries 1..n of term 2; entry 3 is a conf change adding a learner 4. */
  static List<Entry> log(int n) {
    List<Entry> out = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      Entry.Builder e = Entry.newBuilder().setIndex(i).setTerm(2);
      if (i == 3) {
        e.setType(EntryType.ENTRY_CONF_CHANGE_V2)
            .setData(
                ConfChangeV2.newBuilder()
                    .addChanges(
                        ConfChangeSingle.newBuilder()
                            .setType(ConfChangeType.ADD_LEARNER_NODE)
                            .setNodeId(4))
                    .build()
                    .toByteString());
      } else {
        e.setData(ByteString.copyFromUtf8("put k" + i + "=v" + i));
      }
      out.add(e.build());
    }
    return out;
  }

  /** Collects what a tool prints. */
  static final class Captured {
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    String out() {
      return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return errBytes.toString(StandardCharsets.UTF_8);
    }
  }
}
