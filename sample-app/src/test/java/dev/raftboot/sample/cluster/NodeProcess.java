package dev.raftboot.sample.cluster;

import dev.raftboot.sample.HttpJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One node of a {@link ProcessCluster}: a JVM running the sample jar in the cluster's {@link
 * NodeEnvironment}, with its own address, ports and data directory, which outlive restarts. Faults
 * are real: {@link #kill} is SIGKILL, {@link #pause} freezes the JVM.
 */
final class NodeProcess {
  private final long id;
  private final NodeEnvironment environment;
  private final Path dir;
  private final HttpJson http;
  private volatile NodeHandle handle;
  private volatile boolean paused;

  NodeProcess(long id, NodeEnvironment environment, Path dir) {
    this.id = id;
    this.environment = environment;
    this.dir = dir;
    this.http = new HttpJson(baseUrl());
  }

  long id() {
    return id;
  }

  String host() {
    return environment.host(id);
  }

  int httpPort() {
    return environment.httpPort(id);
  }

  int raftPort() {
    return environment.raftPort(id);
  }

  String baseUrl() {
    return "http://" + host() + ":" + httpPort();
  }

  String peerAddress() {
    return host() + ":" + raftPort();
  }

  HttpJson http() {
    return http;
  }

  Path dir() {
    return dir;
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
      Files.createDirectories(dir.resolve("tmp"));
      Files.writeString(
          log(),
          "---- start " + Instant.now() + " ----\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    handle =
        environment.launch(id, SampleJar.get().command(dir.resolve("tmp"), arguments), dir, log());
    paused = false;
  }

  boolean isRunning() {
    return handle != null && handle.isAlive();
  }

  boolean isPaused() {
    return paused;
  }

  /** kill -9: the process dies at once, losing whatever it had not synced. */
  synchronized void kill() {
    if (handle != null) {
      handle.kill();
      paused = false;
    }
  }

  /** SIGTERM: a graceful stop (a leader hands its leadership over first). */
  synchronized void stop() {
    if (isRunning()) {
      if (paused) {
        resume();
      }
      handle.stop(Duration.ofSeconds(30));
    }
  }

  /** Freezes the JVM (SIGSTOP, or the container's freezer). */
  synchronized void pause() {
    handle.pause();
    paused = true;
  }

  /** Thaws it. */
  synchronized void resume() {
    handle.resume();
    paused = false;
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
