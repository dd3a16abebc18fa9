package dev.raftboot.spring.autoconfigure;

/** The replicated scheduler behind @ScheduledOnce. */
public class RaftSchedulerProperties {
  /** Whether @ScheduledOnce methods are scheduled. */
  private boolean enabled = true;

  /** Name of the Raft group that records slot claims and job history. */
  private String group = "raft-scheduler";

  /** Runs remembered per job in the replicated history. */
  private int historySize = 20;

  /**
   * Most missed slots one job runs under the ALL catch-up policy: when more are due, the older ones
   * are recorded as skipped and the newest this many run, oldest first.
   */
  private int maxCatchUp = 100;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getGroup() {
    return group;
  }

  public void setGroup(String group) {
    this.group = group;
  }

  public int getHistorySize() {
    return historySize;
  }

  public void setHistorySize(int historySize) {
    this.historySize = historySize;
  }

  public int getMaxCatchUp() {
    return maxCatchUp;
  }

  public void setMaxCatchUp(int maxCatchUp) {
    this.maxCatchUp = maxCatchUp;
  }
}
