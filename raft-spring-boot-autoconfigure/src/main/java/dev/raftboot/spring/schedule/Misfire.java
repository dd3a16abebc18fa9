package dev.raftboot.spring.schedule;

/**
 * What a new leader does with a slot that an earlier leader claimed but never recorded as finished
 * (it crashed, was partitioned away, or lost leadership mid-run). Nobody can know whether that run
 * had its effects.
 */
public enum Misfire {
  /** Record the slot as misfired and move on: each slot runs at most once. */
  SKIP,
  /**
   * Run the slot again, as attempt n+1 with a new fencing token: each slot runs at least once while
   * leaders keep appearing; a downstream that checks tokens accepts at most one attempt's effects
   * only if it deduplicates by slot.
   */
  RUN_AGAIN
}
