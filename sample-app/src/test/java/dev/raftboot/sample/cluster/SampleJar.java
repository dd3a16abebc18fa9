package dev.raftboot.sample.cluster;

import dev.raftboot.sample.TestPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged sample app and how to start it as a separate JVM. Nodes start often in the cluster
 * tests, on two cores, so the JVM is tuned for start-up: C1 only, the serial collector, and a class
 * data sharing archive made once per jar by a training run (Spring Boot's recipe: extract the jar,
 * run it once with {@code -XX:ArchiveClassesAtExit}). Without the archive, nodes start from the
 * jar.
 */
final class SampleJar {
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xmx256m",
          "-Xss512k",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-XX:-UsePerfData",
          "-XX:+ExitOnOutOfMemoryError");

  private static SampleJar instance;

  private final Path jar;
  private final Path archive;

  private SampleJar(Path jar, Path archive) {
    this.jar = jar;
    this.archive = archive;
  }

  /** The jar named by the system property {@code sample.jar} (set by the failsafe plugin). */
  static synchronized SampleJar get() {
    if (instance == null) {
      String location = System.getProperty("sample.jar", "target/sample-app.jar");
      Path jar = Path.of(location).toAbsolutePath();
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "no sample app jar at "
                + jar
                + "; the cluster tests run after `package` (./mvnw -pl sample-app -am verify)");
      }
      instance = prepare(jar, workDir().resolve("cds"));
    }
    return instance;
  }

  static Path workDir() {
    return Path.of(System.getProperty("cluster.work-dir", "target/cluster-tests")).toAbsolutePath();
  }

  private static SampleJar prepare(Path jar, Path dir) {
    Path extracted = dir.resolve("app").resolve("sample-app.jar");
    Path archive = dir.resolve("sample-app.jsa");
    try {
      if (Files.isRegularFile(archive)
          && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
        return new SampleJar(extracted, archive);
      }
      TestPorts.deleteTree(dir);
      Files.createDirectories(dir);
      run(
          dir,
          List.of(
              java(),
              "-Djarmode=tools",
              "-jar",
              jar.toString(),
              "extract",
              "--destination",
              "app"));
      List<String> training = new ArrayList<>(List.of(java()));
      training.addAll(JVM_OPTIONS);
      training.addAll(
          List.of(
              "-XX:ArchiveClassesAtExit=" + archive,
              "-Dspring.context.exit=onRefresh",
              "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("training-tmp")),
              "-jar",
              extracted.toString(),
              "--server.port=0",
              "--raft.transport.port=" + TestPorts.freePort(),
              "--raft.data-dir=" + dir.resolve("training-data"),
              "--spring.main.banner-mode=off",
              "--logging.level.root=WARN"));
      run(dir, training);
      if (Files.isRegularFile(archive)) {
        return new SampleJar(extracted, archive);
      }
      System.out.println("cluster tests: no CDS archive was written; nodes start from the jar");
    } catch (IOException | RuntimeException e) {
      System.out.println(
          "cluster tests: CDS archive not made (" + e + "); nodes start from the jar");
    }
    return new SampleJar(jar, null);
  }

  private static void run(Path dir, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prepare.log").toFile())
            .start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IOException("exit " + p.exitValue() + ": " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The command that starts a node with these application arguments. Its temp dir is {@code
   * tmpDir}: RocksDB extracts its native library (15 MB) there and deletes it at exit, which a
   * killed node never reaches.
   */
  List<String> command(Path tmpDir, List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(JVM_OPTIONS);
    command.add("-Djava.io.tmpdir=" + tmpDir);
    if (archive != null) {
      command.add("-XX:SharedArchiveFile=" + archive);
      // A stale or mismatched archive must never stop a node from starting.
      command.add("-Xshare:auto");
    }
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(arguments);
    return command;
  }
}
