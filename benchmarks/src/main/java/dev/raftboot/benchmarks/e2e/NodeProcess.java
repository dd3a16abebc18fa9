package dev.raftboot.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchNode} in a child JVM (same java binary, same classpath), spoken to through its
 * stdin and stdout. Its stderr (logs) goes to {@code node-ID.log} in the benchmark's directory.
 */
final class NodeProcess {
  private final long id;
  private final int port;
  private final List<String> nodeArgs;
  private final Path logFile;
  private final Path tmpDir;
  private Process process;
  private Writer stdin;
  private BlockingQueue<String> replies;
  private int echoPort;

  NodeProcess(long id, int port, List<String> nodeArgs, Path logFile, Path tmpDir) {
    this.id = id;
    this.port = port;
    this.nodeArgs = nodeArgs;
    this.logFile = logFile;
    this.tmpDir = tmpDir;
  }

  long id() {
    return id;
  }

  int port() {
    return port;
  }

  int echoPort() {
    return echoPort;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts the JVM (again, on the same data dir and port) and waits until it is serving. */
  void start(List<String> jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // "{id}" in an option becomes this node's id: -XX:StartFlightRecording=filename=node-{id}.jfr
    jvmOptions.forEach(o -> command.add(o.replace("{id}", Long.toString(id))));
    // RocksDB extracts its native library (15 MB) into the temp dir and deletes it at exit, which
    // a killed node never reaches: keep it in the benchmark's directory, deleted with the data.
    command.add("-Djava.io.tmpdir=" + tmpDir);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchNode.class.getName());
    command.addAll(nodeArgs);
    process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    replies = queue;
    Process mine = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(mine.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith(BenchNode.REPLY)) {
                    queue.add(line.substring(BenchNode.REPLY.length()));
                  }
                }
              } catch (IOException e) {
                // the process died: ask() times out or sees it dead
              }
            },
            "node-" + id + "-stdout");
    reader.setDaemon(true);
    reader.start();
    String ready = await(Duration.ofSeconds(120), "start");
    echoPort = Integer.parseInt(fields(ready).get("echoPort"));
  }

  /** Sends one command line and waits for its answer. */
  String ask(String command, Duration timeout) throws IOException {
    send(command);
    return await(timeout, command);
  }

  void send(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  String await(Duration timeout, String what) {
    String reply;
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      do {
        reply = replies.poll(100, TimeUnit.MILLISECONDS);
        if (reply == null && !process.isAlive() && replies.isEmpty()) {
          throw new IllegalStateException(
              "node "
                  + id
                  + " exited ("
                  + process.exitValue()
                  + ") during "
                  + what
                  + "; see "
                  + logFile);
        }
      } while (reply == null && System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what, e);
    }
    if (reply == null) {
      throw new IllegalStateException("node " + id + " did not answer " + what + " in " + timeout);
    }
    if (reply.startsWith("error")) {
      throw new IllegalStateException("node " + id + " failed " + what + ": " + reply);
    }
    return reply;
  }

  /** {@code kill -9}: the JVM ends at once, with whatever its disk holds. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for a process told to shut down to exit, then ends it the hard way if it did not. */
  void awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
    }
  }

  /** The {@code key=value} words of a reply. */
  static Map<String, String> fields(String reply) {
    Map<String, String> fields = new HashMap<>();
    for (String word : reply.split("\\s+")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        fields.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return fields;
  }
}
