package dev.raftboot.node;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies what is written to {@code System.err} (where the test logger writes) into a buffer while
 * open, so a test can check that a refusal was logged; the output still reaches the console.
 */
final class StderrCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  StderrCapture() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (buffer) {
              buffer.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (buffer) {
              buffer.write(b, off, len);
            }
            original.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** The lines written so far that contain every one of {@code parts}. */
  List<String> linesWith(String... parts) {
    String text;
    synchronized (buffer) {
      text = buffer.toString(StandardCharsets.UTF_8);
    }
    return text.lines()
        .filter(
            line -> {
              for (String p : parts) {
                if (!line.contains(p)) {
                  return false;
                }
              }
              return true;
            })
        .toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
