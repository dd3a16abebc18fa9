package dev.raftboot.sample.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the short system commands that set up networks and inject faults. */
final class Commands {
  private Commands() {}

  /** Runs {@code command}; fails with its output unless it exits with 0 within 30 s. */
  static String run(List<String> command) {
    Result r = attempt(command);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + r.exitCode() + ": " + r.output().strip());
    }
    return r.output();
  }

  /** Runs {@code command} and returns what happened, failing only if it cannot be started. */
  static Result attempt(List<String> command) {
    Path output = null;
    try {
      // Output goes to a file, not a pipe: a command that hangs cannot block the reader.
      output = Files.createTempFile("command", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  /** What a command printed (standard output and error together) and its exit code. */
  record Result(int exitCode, String output) {}
}
