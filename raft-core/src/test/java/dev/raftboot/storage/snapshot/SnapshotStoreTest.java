package dev.raftboot.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.SnapshotMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  private static final long SEED = 20261123L;
  private static final ConfState VOTERS =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  @TempDir Path dir;

  static SnapshotMetadata meta(long index, long term) {
    return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(VOTERS).build();
  }

  static byte[] image(long seed, int size) {
    byte[] b = new byte[size];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  static byte[] read(SnapshotStore store, SnapshotFile f) throws IOException {
    try (InputStream in = store.openData(f)) {
      return in.readAllBytes();
    }
  }

  private static long filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void aWrittenSnapshotIsListedAndReadBackWhole() throws IOException {
    System.out.println("SnapshotStoreTest seed=" + SEED);
    SnapshotStore store = SnapshotStore.open(dir, 3);
    byte[] data = image(SEED, 300_000);
    SnapshotFile f = store.write(meta(42, 7), out -> out.write(data));
    assertThat(f.index()).isEqualTo(42);
    assertThat(f.dataBytes()).isEqualTo(data.length);
    assertThat(store.latest()).contains(f);
    assertThat(read(store, f)).isEqualTo(data);
    assertThat(SnapshotStore.open(dir, 3).latest().orElseThrow().metadata()).isEqualTo(meta(42, 7));
  }

  @Test
  void anEmptyImageIsAValidSnapshot() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 1);
    SnapshotFile f = store.write(meta(1, 1), out -> {});
    assertThat(read(store, f)).isEmpty();
  }

  @Test
  void onlyTheNewestSnapshotsAreKept() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    for (long i = 1; i <= 5; i++) {
      long index = i * 10;
      store.write(meta(index, 1), out -> out.write(image(index, 100)));
    }
    assertThat(store.list()).extracting(SnapshotFile::index).containsExactly(40L, 50L);
    assertThat(filesIn(dir)).isEqualTo(2);
  }

  @Test
  void anUncommittedWriteLeavesNothingAndCrashLeftoversAreCleanedAtOpen() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    try (SnapshotWriter w = store.beginWrite(meta(5, 1))) {
      w.stream().write(image(1, 1000));
    }
    assertThat(filesIn(dir)).isZero();
    SnapshotWriter abandoned = store.beginWrite(meta(6, 1)); // a crash before commit
    abandoned.stream().write(image(2, 1000));
    assertThat(filesIn(dir)).isEqualTo(1);
    assertThat(store.list()).isEmpty();
    SnapshotStore.open(dir, 2);
    assertThat(filesIn(dir)).isZero();
    abandoned.close();
  }

  @Test
  void aSnapshotStreamedInChunksArrivesIntact() throws IOException {
    System.out.println("SnapshotStoreTest seed=" + SEED);
    SnapshotStore leader = SnapshotStore.open(dir.resolve("leader"), 2);
    SnapshotStore follower = SnapshotStore.open(dir.resolve("follower"), 2);
    byte[] data = image(SEED, 200_000);
    SnapshotFile sent = leader.write(meta(100, 3), out -> out.write(data));
    SnapshotFile received;
    try (InputStream raw = leader.openRaw(sent);
        SnapshotReceiver rx = follower.receiver()) {
      rx.begin(sent.metadata());
      SplittableRandom r = new SplittableRandom(SEED);
      byte[] all = raw.readAllBytes();
      for (int pos = 0; pos < all.length; ) {
        int n = Math.min(all.length - pos, 1 + r.nextInt(20_000));
        rx.write(Arrays.copyOfRange(all, pos, pos + n));
        pos += n;
      }
      received = rx.finish();
    }
    assertThat(received.metadata()).isEqualTo(sent.metadata());
    assertThat(read(follower, received)).isEqualTo(data);
    assertThat(follower.latest()).contains(received);
  }

  @Test
  void aTransferThatIsNotTheAnnouncedSnapshotIsRefused() throws IOException {
    SnapshotStore leader = SnapshotStore.open(dir.resolve("leader"), 2);
    SnapshotStore follower = SnapshotStore.open(dir.resolve("follower"), 2);
    SnapshotFile sent = leader.write(meta(100, 3), out -> out.write(image(1, 5000)));
    byte[] all;
    try (InputStream raw = leader.openRaw(sent)) {
      all = raw.readAllBytes();
    }
    try (SnapshotReceiver rx = follower.receiver()) {
      rx.begin(meta(101, 3));
      rx.write(all);
      assertThatThrownBy(rx::finish)
          .isInstanceOf(SnapshotCorruptionException.class)
          .hasMessageContaining("announced index 101");
    }
    try (SnapshotReceiver rx = follower.receiver()) {
      rx.begin(sent.metadata());
      rx.write(Arrays.copyOf(all, all.length - 100)); // the stream broke off
      assertThatThrownBy(rx::finish).isInstanceOf(SnapshotCorruptionException.class);
    }
    assertThat(filesIn(follower.dir())).isZero();
  }

  @Test
  void aSealedImageIsDurableButUnlistedUntilPublishedAndGoneIfClosedInstead() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    byte[] data = image(SEED + 7, 100_000);
    SnapshotWriter kept = store.beginWrite(meta(10, 2));
    kept.stream().write(data);
    SnapshotFile sealed = kept.seal();
    assertThat(store.list()).isEmpty();
    assertThat(read(store, sealed)).isEqualTo(data); // readable, verified, before publishing
    SnapshotFile published = kept.publish();
    assertThat(store.find(meta(10, 2))).contains(published);
    assertThat(read(store, published)).isEqualTo(data);

    SnapshotWriter dropped = store.beginWrite(meta(20, 2));
    dropped.stream().write(data);
    dropped.seal();
    dropped.close();
    assertThat(store.list()).containsExactly(published);
    assertThat(filesIn(dir)).isEqualTo(1);
    assertThatThrownBy(() -> dropped.stream().write(1)).isInstanceOf(IOException.class);
  }
}
