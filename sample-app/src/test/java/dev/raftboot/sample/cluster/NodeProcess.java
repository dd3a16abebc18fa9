package dev.raftboot.sample.cluster;

import dev.raftboot.sample.HttpJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link ProcessCluster}: a JVM running the sample jar, with its own ports and data
 * directory, which outlive restarts. Faults are real: {@link #kill} is SIGKILL, {@link #pause} is
 * SIGSTOP.
 */
final class NodeProcess {
  private final long id;
  private final int httpPort;
  private final int raftPort;
  private final Path dir;
  private final HttpJson http;
  private volatile Process process;
  private volatile boolean paused;

  NodeProcess(long id, int httpPort, int raftPort, Path dir) {
    this.id = id;
    this.httpPort = httpPort;
    this.raftPort = raftPort;
    this.dir = dir;
    this.http = new HttpJson(baseUrl());
  }

  long id() {
    return id;
  }

  int raftPort() {
    return raftPort;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  String peerAddress() {
    return "127.0.0.1:" + raftPort;
  }

  HttpJson http() {
    return http;
  }

  Path log() {
    return dir.resolve("node.log");
  }

  /** Starts the JVM with these application arguments (the log is appended to across restarts). */
  synchronized void start(List<String> arguments) {
    if (isRunning()) {
      throw new IllegalStateException("node " + id + " is running");
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(
          log(),
          "---- start " + java.time.Instant.now() + " ----\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(SampleJar.get().command(arguments))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log().toFile()))
              .start();
      paused = false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  boolean isPaused() {
    return paused;
  }

  long pid() {
    return process.pid();
  }

  /** kill -9: the process dies at once, losing whatever it had not synced. */
  synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitForExit(30);
      paused = false;
    }
  }

  /** SIGTERM: a graceful stop (a leader hands its leadership over first). */
  synchronized void stop() {
    if (process != null && process.isAlive()) {
      if (paused) {
        resume();
      }
      process.destroy();
      if (!waitForExit(30)) {
        process.destroyForcibly();
        waitForExit(10);
      }
    }
  }

  /** SIGSTOP: the process freezes; peers and clients see it hang, it sees no time pass. */
  synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) {
    try {
      // The shell's built-in kill: no dependency on a kill binary being installed.
      Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid()).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean waitForExit(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last {@code lines} lines of the node's log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public String toString() {
    return "node " + id;
  }
}
