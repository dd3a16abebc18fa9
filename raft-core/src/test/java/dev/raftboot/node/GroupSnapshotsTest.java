package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Images of snapshots that arrive through the transport, kept until a Ready installs one. */
class GroupSnapshotsTest {
  private static final ConfState VOTERS =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  private final MemoryGroupStorage storage = MemoryGroupStorage.bootstrap(VOTERS);
  private final GroupSnapshots snapshots =
      new GroupSnapshots(
          "g",
          storage,
          new GroupStats(),
          10,
          new OnDemandSnapshots(storage.logStorage(), () -> VOTERS, () -> {}));

  private static SnapshotMetadata at(long index) {
    return SnapshotMetadata.newBuilder().setIndex(index).setTerm(2).setConfState(VOTERS).build();
  }

  /** A snapshot as a Ready carries it when its image came through a snapshot stream. */
  private static Snapshot inReady(long index) {
    return Snapshot.newBuilder().setMetadata(at(index)).build();
  }

  @Test
  void anOlderImageStagedAfterANewerOneDoesNotDiscardIt() {
    Image newer = new Image("image at 100");
    Image older = new Image("image at 90");
    // Two streams completed before the loop's next pass: the consensus module accepts the first
    // (index 100) and refuses the second, which is behind it.
    snapshots.stage(at(100), newer);
    snapshots.stage(at(90), older);
    assertThat(newer.discarded).isFalse();
    // The Ready carries the accepted snapshot without data: its image must still be staged.
    snapshots.install(inReady(100));
    assertThat(older.discarded).isTrue();
    assertThat(newer.discarded).isTrue(); // released once stored
  }

  @Test
  void aNewerImageReplacesAnOlderOne() {
    Image older = new Image("image at 90");
    Image newer = new Image("image at 100");
    snapshots.stage(at(90), older);
    snapshots.stage(at(100), newer);
    assertThat(older.discarded).isTrue();
    snapshots.install(inReady(100));
    assertThat(newer.discarded).isTrue(); // released once stored
  }

  private static final class Image implements dev.raftboot.transport.SnapshotImage {
    private final byte[] bytes;
    volatile boolean discarded;

    Image(String content) {
      this.bytes = content.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public InputStream openStream() {
      return ByteString.copyFrom(bytes).newInput();
    }

    @Override
    public void discard() {
      discarded = true;
    }
  }
}
