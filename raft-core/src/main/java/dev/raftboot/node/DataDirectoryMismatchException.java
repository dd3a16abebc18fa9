package dev.raftboot.node;

import dev.raftboot.core.RaftException;
import java.nio.file.Path;

/**
 * A server was started on a data directory that another node, or a node of another cluster, wrote.
 * Running on it would reuse that node's vote and log — a node could vote twice in a term, or bring
 * a foreign log into this cluster — so the server refuses to start. Point the server at its own
 * directory (or fix its node id or cluster id).
 */
public class DataDirectoryMismatchException extends RaftException {
  private final Path dataDir;

  public DataDirectoryMismatchException(
      Path dataDir, String foundCluster, long foundNode, String clusterId, long nodeId) {
    super(
        "data directory "
            + dataDir
            + " belongs to node "
            + foundNode
            + " of cluster '"
            + foundCluster
            + "', not to node "
            + nodeId
            + " of cluster '"
            + clusterId
            + "'");
    this.dataDir = dataDir;
  }

  public Path dataDir() {
    return dataDir;
  }
}
