package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotWriter;
import java.io.InputStream;

/**
 * An image held in memory: one that arrived inside a message (a runtime wired without a transport)
 * or one received for an in-memory storage.
 */
record BytesImage(ByteString data) implements SnapshotImage {
  @Override
  public long size() {
    return data.size();
  }

  @Override
  public InputStream openStream() {
    return data.newInput();
  }

  @Override
  public void discard() {}

  /** A writer collecting an incoming image in memory. */
  static SnapshotWriter collector() {
    return new SnapshotWriter() {
      private ByteString.Output out = ByteString.newOutput();

      @Override
      public void write(byte[] chunk, int offset, int length) {
        out.write(chunk, offset, length);
      }

      @Override
      public SnapshotImage complete() {
        return new BytesImage(out.toByteString());
      }

      @Override
      public void abort() {
        out = ByteString.newOutput();
      }
    };
  }
}
