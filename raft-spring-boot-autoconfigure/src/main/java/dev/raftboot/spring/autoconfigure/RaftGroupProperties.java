package dev.raftboot.spring.autoconfigure;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/** Settings of one group that override the node-wide ones; unset values inherit. */
public class RaftGroupProperties {
  /** Ticks before a follower of this group starts an election. */
  private Integer electionTicks;

  /** Ticks between heartbeats of this group's leader. */
  private Integer heartbeatTicks;

  /** How this group's linearizable reads confirm leadership. */
  private RaftProperties.ReadMode readMode;

  /** How long this group's operations may wait for their answer. */
  private Duration proposalTimeout;

  /** Applied entries between this group's snapshots. */
  private Long snapshotEveryEntries;

  /** Entries this group keeps behind a snapshot. */
  private Long snapshotKeepEntries;

  /** Bytes of applied entries that make this group's next snapshot due. */
  private DataSize snapshotEveryBytes;

  public Integer getElectionTicks() {
    return electionTicks;
  }

  public void setElectionTicks(Integer electionTicks) {
    this.electionTicks = electionTicks;
  }

  public Integer getHeartbeatTicks() {
    return heartbeatTicks;
  }

  public void setHeartbeatTicks(Integer heartbeatTicks) {
    this.heartbeatTicks = heartbeatTicks;
  }

  public RaftProperties.ReadMode getReadMode() {
    return readMode;
  }

  public void setReadMode(RaftProperties.ReadMode readMode) {
    this.readMode = readMode;
  }

  public Duration getProposalTimeout() {
    return proposalTimeout;
  }

  public void setProposalTimeout(Duration proposalTimeout) {
    this.proposalTimeout = proposalTimeout;
  }

  public Long getSnapshotEveryEntries() {
    return snapshotEveryEntries;
  }

  public void setSnapshotEveryEntries(Long snapshotEveryEntries) {
    this.snapshotEveryEntries = snapshotEveryEntries;
  }

  public Long getSnapshotKeepEntries() {
    return snapshotKeepEntries;
  }

  public void setSnapshotKeepEntries(Long snapshotKeepEntries) {
    this.snapshotKeepEntries = snapshotKeepEntries;
  }

  public DataSize getSnapshotEveryBytes() {
    return snapshotEveryBytes;
  }

  public void setSnapshotEveryBytes(DataSize snapshotEveryBytes) {
    this.snapshotEveryBytes = snapshotEveryBytes;
  }
}
