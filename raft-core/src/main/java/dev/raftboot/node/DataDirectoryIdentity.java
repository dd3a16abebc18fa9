package dev.raftboot.node;

import dev.raftboot.storage.StorageException;
import dev.raftboot.storage.snapshot.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Which node of which cluster a data directory belongs to, recorded in {@value #FILE_NAME} when a
 * server first starts on it and checked at every later start. The log and vote in a directory are
 * one node's promises: started as another node (a copied directory, a swapped volume, a wrong node
 * id) it could vote twice in a term; started in another cluster, it would bring a foreign log in. A
 * directory from before the record existed is adopted by the first start.
 */
final class DataDirectoryIdentity {
  static final String FILE_NAME = "identity.properties";

  private DataDirectoryIdentity() {}

  /**
   * Records the identity in {@code dataDir}, or checks the one recorded.
   *
   * @throws DataDirectoryMismatchException if the directory belongs to another node or cluster
   * @throws StorageException if the record cannot be read, written or parsed
   */
  static void claim(Path dataDir, String clusterId, long nodeId) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      record(file, clusterId, nodeId);
      return;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new StorageException("cannot read " + file, e);
    }
    String foundCluster = p.getProperty("cluster-id");
    String foundNode = p.getProperty("node-id");
    long node;
    try {
      node = Long.parseLong(String.valueOf(foundNode).trim());
    } catch (NumberFormatException e) {
      throw new StorageException(
          file + " is corrupt: node-id '" + foundNode + "' is not a number", e);
    }
    if (foundCluster == null) {
      throw new StorageException(file + " is corrupt: it has no cluster-id");
    }
    if (node != nodeId || !foundCluster.equals(clusterId)) {
      throw new DataDirectoryMismatchException(dataDir, foundCluster, node, clusterId, nodeId);
    }
  }

  private static void record(Path file, String clusterId, long nodeId) {
    Properties p = new Properties();
    p.setProperty("cluster-id", clusterId);
    p.setProperty("node-id", Long.toString(nodeId));
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.store(out, "Raft Boot: the node this data directory belongs to; never edit or copy it");
      DurableFiles.replace(file, out.toByteArray());
    } catch (IOException e) {
      throw new StorageException("cannot write " + file, e);
    }
  }
}
