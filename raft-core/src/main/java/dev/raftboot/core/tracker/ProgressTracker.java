package dev.raftboot.core.tracker;

import dev.raftboot.core.quorum.VoteResult;
import dev.raftboot.proto.ConfState;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The configuration and the per-peer progress of a node, and the votes of the current election.
 * Peers are kept in id order so that every iteration, and so every output, is deterministic.
 */
public final class ProgressTracker {
  private final int maxInflight;
  private final long maxInflightBytes;
  private TrackerConfig config = TrackerConfig.empty();
  // Built once per configuration: status() asks for it on every loop pass of a runtime.
  private ConfState confState = config.toConfState();
  private NavigableMap<Long, PeerProgress> progress = new TreeMap<>();
  private final Map<Long, Boolean> votes = new HashMap<>();

  public ProgressTracker(int maxInflight, long maxInflightBytes) {
    this.maxInflight = maxInflight;
    this.maxInflightBytes = maxInflightBytes;
  }

  public TrackerConfig config() {
    return config;
  }

  /** The configuration as a {@link ConfState}. */
  public ConfState confState() {
    return confState;
  }

  public NavigableMap<Long, PeerProgress> progress() {
    return progress;
  }

  public PeerProgress get(long id) {
    return progress.get(id);
  }

  /** Installs a configuration and the progress map that goes with it (from confchange). */
  public void apply(TrackerConfig newConfig, NavigableMap<Long, PeerProgress> newProgress) {
    this.config = newConfig;
    this.confState = newConfig.toConfState();
    this.progress = newProgress;
  }

  public Inflights newInflights() {
    return new Inflights(maxInflight, maxInflightBytes);
  }

  /** The largest index that a quorum of voters (of both halves, while joint) holds. */
  public long committed() {
    return config
        .voters()
        .committedIndex(
            id -> {
              PeerProgress pr = progress.get(id);
              return pr == null ? -1 : pr.match();
            });
  }

  /** Whether this (single) node is the only voter: it can decide everything alone. */
  public boolean isSingleton() {
    return config.voters().incoming().size() == 1 && !config.voters().isJoint();
  }

  /**
   * Whether a quorum was heard from since the last check (thesis §6.2, check-quorum). The leader
   * counts itself active.
   */
  public boolean quorumActive(long selfId) {
    Map<Long, Boolean> active = new HashMap<>();
    for (Map.Entry<Long, PeerProgress> e : progress.entrySet()) {
      if (!e.getValue().isLearner()) {
        active.put(e.getKey(), e.getKey() == selfId || e.getValue().recentActive());
      }
    }
    return config.voters().voteResult(active) == VoteResult.WON;
  }

  public void resetVotes() {
    votes.clear();
  }

  /** Records the first answer of each voter in this election; later ones are ignored. */
  public void recordVote(long id, boolean granted) {
    votes.putIfAbsent(id, granted);
  }

  public VoteResult tallyVotes() {
    return config.voters().voteResult(votes);
  }

  /** How many recorded votes granted and rejected, for logs. */
  public int[] voteCounts() {
    int granted = 0;
    int rejected = 0;
    for (Map.Entry<Long, PeerProgress> e : progress.entrySet()) {
      if (e.getValue().isLearner()) {
        continue;
      }
      Boolean v = votes.get(e.getKey());
      if (v == null) {
        continue;
      }
      if (v) {
        granted++;
      } else {
        rejected++;
      }
    }
    return new int[] {granted, rejected};
  }

  public boolean isVoter(long id) {
    return config.voters().contains(id);
  }
}
