package dev.raftboot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftboot.core.CompactedException;
import dev.raftboot.core.EntrySizes;
import dev.raftboot.core.LogStorage;
import dev.raftboot.core.LogUnavailableException;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.SnapshotOutOfDateException;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The semantics every {@link LogStorage} must have, run against each implementation by a subclass.
 * Writers differ in name across implementations, so subclasses adapt them; {@link #reopen} is where
 * a durable storage proves it kept everything.
 */
abstract class LogStorageContractTest<S extends LogStorage> {
  static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2).build();

  /** A new storage bootstrapped with the given voters. */
  protected abstract S create(ConfState confState);

  /** The same storage after a restart: the durable ones close and open it again. */
  protected abstract S reopen(S storage);

  protected abstract void append(S s, List<Entry> entries);

  protected abstract void setHardState(S s, HardState hs);

  protected abstract void applySnapshot(S s, Snapshot snapshot);

  protected abstract SnapshotMetadata createSnapshot(S s, long index, ConfState cs);

  protected abstract void compact(S s, long index);

  static List<Entry> entries(long from, long... terms) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      long index = from + i;
      out.add(
          Entry.newBuilder()
              .setIndex(index)
              .setTerm(terms[i])
              .setData(ByteString.copyFromUtf8("entry " + index + " term " + terms[i]))
              .build());
    }
    return out;
  }

  List<Long> terms(S s) {
    List<Long> t = new ArrayList<>();
    for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
      t.add(s.term(i));
    }
    return t;
  }

  @Test
  void bootstrappedStorageIsEmptyWithTheDummyAtZero() {
    S s = create(VOTERS);
    for (int round = 0; round < 2; round++) {
      assertThat(s.firstIndex()).isEqualTo(1);
      assertThat(s.lastIndex()).isEqualTo(0);
      assertThat(s.term(0)).isEqualTo(0);
      assertThat(s.entries(1, 1, Long.MAX_VALUE)).isEmpty();
      assertThat(s.initialState().confState()).isEqualTo(VOTERS);
      assertThat(s.initialState().hardState()).isEqualTo(HardState.getDefaultInstance());
      assertThat(s.snapshot(0).getMetadata().getIndex()).isZero();
      S t = s;
      assertThatThrownBy(() -> t.term(1)).isInstanceOf(LogUnavailableException.class);
      s = reopen(s);
    }
  }

  @Test
  void appendedEntriesAreReadBackAndSurviveReopen() {
    S s = create(VOTERS);
    List<Entry> written = entries(1, 1, 1, 2, 3, 3);
    append(s, written);
    for (int round = 0; round < 2; round++) {
      assertThat(s.firstIndex()).isEqualTo(1);
      assertThat(s.lastIndex()).isEqualTo(5);
      assertThat(terms(s)).containsExactly(1L, 1L, 2L, 3L, 3L);
      assertThat(s.entries(1, 6, Long.MAX_VALUE)).isEqualTo(written);
      assertThat(s.entries(2, 4, Long.MAX_VALUE)).isEqualTo(written.subList(1, 3));
      s = reopen(s);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 5})
  void sizeLimitReturnsAtLeastOneEntryThenWhatFits(int fullEntries) {
    S s = create(VOTERS);
    List<Entry> written = entries(1, 1, 1, 1, 1, 1);
    append(s, written);
    long limit = EntrySizes.serialized(written.subList(0, fullEntries));
    int expected = Math.max(1, fullEntries);
    assertThat(s.entries(1, 6, limit)).isEqualTo(written.subList(0, expected));
    assertThat(s.entries(1, 6, limit + 1)).isEqualTo(written.subList(0, expected));
    assertThat(s.entries(1, 6, 0)).hasSize(1);
    S reopened = reopen(s);
    assertThat(reopened.entries(1, 6, limit)).isEqualTo(written.subList(0, expected));
  }

  @Test
  void readsOutsideTheLogFailWithTypedErrors() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 1, 1, 1, 1));
    compact(s, 2);
    assertThatThrownBy(() -> s.entries(2, 4, Long.MAX_VALUE))
        .isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> s.entries(3, 7, Long.MAX_VALUE))
        .isInstanceOf(LogUnavailableException.class);
    assertThatThrownBy(() -> s.term(1)).isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> s.term(6)).isInstanceOf(LogUnavailableException.class);
    assertThat(s.term(2)).isEqualTo(1);
  }

  @Test
  void aConflictingSuffixIsReplaced() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 1, 1, 1, 1));
    append(s, entries(3, 2, 2));
    assertThat(s.lastIndex()).isEqualTo(4);
    assertThat(terms(s)).containsExactly(1L, 1L, 2L, 2L);
    append(s, entries(5, 2, 3));
    s = reopen(s);
    assertThat(terms(s)).containsExactly(1L, 1L, 2L, 2L, 2L, 3L);
    assertThat(s.entries(3, 7, Long.MAX_VALUE)).isEqualTo(entries(3, 2, 2, 2, 3));
  }

  @Test
  void appendingPastTheEndLeavesNoHole() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 1));
    assertThatThrownBy(() -> append(s, entries(4, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(s.lastIndex()).isEqualTo(2);
  }

  @Test
  void compactedEntriesInAnAppendAreSkipped() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 1, 1, 1));
    compact(s, 3);
    append(s, entries(2, 1, 1, 2, 2));
    assertThat(s.firstIndex()).isEqualTo(4);
    assertThat(terms(s)).containsExactly(2L, 2L);
    append(s, entries(1, 1, 1));
    assertThat(terms(s)).containsExactly(2L, 2L);
  }

  @Test
  void compactionMovesTheFirstIndexAndKeepsTheTermOfTheDummy() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 1, 2, 2, 3));
    compact(s, 3);
    for (int round = 0; round < 2; round++) {
      S t = s;
      assertThat(t.firstIndex()).isEqualTo(4);
      assertThat(t.lastIndex()).isEqualTo(5);
      assertThat(t.term(3)).isEqualTo(2);
      assertThat(t.entries(4, 6, Long.MAX_VALUE)).isEqualTo(entries(4, 2, 3));
      assertThatThrownBy(() -> compact(t, 3)).isInstanceOf(CompactedException.class);
      assertThatThrownBy(() -> compact(t, 6)).isInstanceOf(LogUnavailableException.class);
      s = reopen(s);
    }
    compact(s, 5);
    assertThat(s.firstIndex()).isEqualTo(6);
    assertThat(s.lastIndex()).isEqualTo(5);
    assertThat(s.term(5)).isEqualTo(3);
    append(s, entries(6, 4));
    assertThat(reopen(s).entries(6, 7, 0)).isEqualTo(entries(6, 4));
  }

  @Test
  void createdSnapshotRecordsIndexTermAndConfiguration() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 2, 2, 3));
    ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(3).build();
    SnapshotMetadata meta = createSnapshot(s, 3, cs);
    assertThat(meta.getIndex()).isEqualTo(3);
    assertThat(meta.getTerm()).isEqualTo(2);
    assertThat(meta.getConfState()).isEqualTo(cs);
    S t = reopen(s);
    assertThat(t.snapshot(0).getMetadata()).isEqualTo(meta);
    assertThat(t.lastIndex()).isEqualTo(4); // not compacted
    assertThatThrownBy(() -> createSnapshot(t, 2, cs))
        .isInstanceOf(SnapshotOutOfDateException.class);
    assertThatThrownBy(() -> createSnapshot(t, 3, cs))
        .isInstanceOf(SnapshotOutOfDateException.class);
    assertThatThrownBy(() -> createSnapshot(t, 9, cs)).isInstanceOf(LogUnavailableException.class);
  }

  @Test
  void appliedSnapshotReplacesTheLog() {
    S s = create(VOTERS);
    append(s, entries(1, 1, 1, 1));
    ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
    SnapshotMetadata meta =
        SnapshotMetadata.newBuilder().setIndex(10).setTerm(4).setConfState(cs).build();
    applySnapshot(s, Snapshot.newBuilder().setMetadata(meta).build());
    for (int round = 0; round < 2; round++) {
      assertThat(s.firstIndex()).isEqualTo(11);
      assertThat(s.lastIndex()).isEqualTo(10);
      assertThat(s.term(10)).isEqualTo(4);
      assertThat(s.snapshot(0).getMetadata()).isEqualTo(meta);
      assertThat(s.initialState().confState()).isEqualTo(cs);
      S t = s;
      assertThatThrownBy(() -> t.term(3)).isInstanceOf(CompactedException.class);
      s = reopen(s);
    }
    S t = s;
    assertThatThrownBy(
            () ->
                applySnapshot(
                    t,
                    Snapshot.newBuilder()
                        .setMetadata(meta.toBuilder().setIndex(10).setTerm(5))
                        .build()))
        .isInstanceOf(SnapshotOutOfDateException.class);
    append(s, entries(11, 4, 5));
    assertThat(reopen(s).entries(11, 13, Long.MAX_VALUE)).isEqualTo(entries(11, 4, 5));
  }

  @Test
  void hardStateIsKept() {
    S s = create(VOTERS);
    HardState hs = HardState.newBuilder().setTerm(7).setVote(2).setCommit(0).build();
    setHardState(s, hs);
    assertThat(s.initialState().hardState()).isEqualTo(hs);
    assertThat(reopen(s).initialState().hardState()).isEqualTo(hs);
  }

  /**
   * Random writes mirrored into a {@link MemoryLogStorage} as the reference; after each step the
   * two must agree on every read, including after reopening.
   */
  @Test
  void randomOperationsAgreeWithTheReference() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("LogStorageContractTest.randomOperationsAgreeWithTheReference seed=" + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    S s = create(VOTERS);
    MemoryLogStorage ref = new MemoryLogStorage(VOTERS);
    long term = 1;
    for (int step = 0; step < 300; step++) {
      int op = rnd.nextInt(10);
      String context = "seed " + seed + " step " + step + " op " + op;
      if (op < 6) {
        long from = Math.max(ref.firstIndex(), ref.lastIndex() + 1 - rnd.nextInt(3));
        term += rnd.nextInt(2);
        long[] terms = new long[1 + rnd.nextInt(8)];
        java.util.Arrays.fill(terms, term);
        append(s, entries(from, terms));
        ref.append(entries(from, terms));
      } else if (op == 6 && ref.lastIndex() >= ref.firstIndex()) {
        long at = ref.firstIndex() + rnd.nextLong(ref.lastIndex() - ref.firstIndex() + 1);
        compact(s, at);
        ref.compact(at);
      } else if (op == 7) {
        HardState hs = HardState.newBuilder().setTerm(term).setCommit(ref.lastIndex()).build();
        setHardState(s, hs);
        ref.setHardState(hs);
      } else if (op == 8) {
        s = reopen(s);
      } else {
        long read = ref.firstIndex() + rnd.nextLong(ref.lastIndex() - ref.firstIndex() + 2);
        long limit = rnd.nextLong(400);
        assertThat(s.entries(read, ref.lastIndex() + 1, limit))
            .as(context)
            .isEqualTo(ref.entries(read, ref.lastIndex() + 1, limit));
      }
      assertThat(s.firstIndex()).as(context).isEqualTo(ref.firstIndex());
      assertThat(s.lastIndex()).as(context).isEqualTo(ref.lastIndex());
      assertThat(s.term(ref.firstIndex() - 1))
          .as(context)
          .isEqualTo(ref.term(ref.firstIndex() - 1));
      assertThat(s.initialState()).as(context).isEqualTo(ref.initialState());
    }
    assertThat(s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE))
        .isEqualTo(ref.entries(ref.firstIndex(), ref.lastIndex() + 1, Long.MAX_VALUE));
  }
}
