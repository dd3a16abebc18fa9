package dev.raftboot.storage.snapshot;

import static dev.raftboot.storage.snapshot.SnapshotStoreTest.image;
import static dev.raftboot.storage.snapshot.SnapshotStoreTest.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged snapshot files are refused with an error naming the file, before any byte is used. */
class SnapshotCorruptionTest {
  private static final long SEED = 424_242L;
  @TempDir Path dir;

  private SnapshotFile writeOne(SnapshotStore store) {
    return store.write(meta(77, 4), out -> out.write(image(SEED, 50_000)));
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
  }

  @Test
  void aFlippedDataByteIsCaughtWhenTheImageIsOpened() throws IOException {
    System.out.println("SnapshotCorruptionTest seed=" + SEED);
    SnapshotStore store = SnapshotStore.open(dir, 2);
    SnapshotFile f = writeOne(store);
    long headerBytes = Files.size(f.path()) - f.dataBytes() - SnapshotFileFormat.TRAILER_BYTES;
    flip(f.path(), headerBytes + new SplittableRandom(SEED).nextLong(f.dataBytes()));
    assertThat(store.latest()).isPresent(); // the header is still intact
    SnapshotCorruptionException e =
        catchThrowableOfType(SnapshotCorruptionException.class, () -> store.openData(f));
    assertThat(e.file()).isEqualTo(f.path());
    assertThat(e).hasMessageContaining(f.path().toString()).hasMessageContaining("checksum");
  }

  @Test
  void aStreamedImageWithAFlippedByteFailsAtItsEndInsteadOfEndingCleanly() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    SnapshotFile f = writeOne(store);
    try (InputStream in = store.openDataStreaming(f)) {
      assertThat(in.readAllBytes()).isEqualTo(image(SEED, 50_000)); // intact: reads to the end
    }
    long headerBytes = Files.size(f.path()) - f.dataBytes() - SnapshotFileFormat.TRAILER_BYTES;
    flip(f.path(), headerBytes + new SplittableRandom(SEED + 1).nextLong(f.dataBytes()));
    try (InputStream in = store.openDataStreaming(f)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(SnapshotCorruptionException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void aDamagedHeaderIsCaughtWhenListing() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    SnapshotFile f = writeOne(store);
    flip(f.path(), 12);
    assertThatThrownBy(store::latest)
        .isInstanceOf(SnapshotCorruptionException.class)
        .hasMessageContaining(f.path().toString())
        .hasMessageContaining("header checksum");
  }

  @Test
  void aTruncatedFileIsCaught() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    SnapshotFile f = writeOne(store);
    try (RandomAccessFile raf = new RandomAccessFile(f.path().toFile(), "rw")) {
      raf.setLength(raf.length() - 1000);
    }
    assertThatThrownBy(() -> store.openData(f))
        .isInstanceOf(SnapshotCorruptionException.class)
        .hasMessageContaining(f.path().toString());
  }

  @Test
  void aFileThatIsNotASnapshotIsCaught() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, 2);
    Files.writeString(dir.resolve("snapshot-1-1.snap"), "hello, not a snapshot");
    assertThatThrownBy(store::list)
        .isInstanceOf(SnapshotCorruptionException.class)
        .hasMessageContaining("bad magic");
  }
}
