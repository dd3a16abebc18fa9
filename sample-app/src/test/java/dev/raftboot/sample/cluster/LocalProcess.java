package dev.raftboot.sample.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A node's JVM as a child process of the test JVM; faults are signals. */
final class LocalProcess implements NodeHandle {
  private final Process process;

  private LocalProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code command} in {@code workDir}, its output appended to {@code log}. */
  static LocalProcess start(List<String> command, Path workDir, Path log) {
    try {
      return new LocalProcess(
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(30));
  }

  @Override
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitForExit(grace)) {
      kill();
    }
  }

  @Override
  public void pause() {
    signal("STOP");
  }

  @Override
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    // The shell's built-in kill: no dependency on a kill binary being installed.
    Commands.run(List.of("sh", "-c", "kill -" + name + " " + process.pid()));
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
