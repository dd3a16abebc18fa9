package dev.raftboot.spring.schedule;

import java.util.ArrayDeque;

/**
 * The slots of a job that are due at once (their time passed while no leader ran them): how many,
 * the latest and the one before it, and — when more are due than a catch-up may run — the latest of
 * those that are too old to run.
 *
 * @param count how many slots are due, from the first through the latest
 * @param latest the most recent due slot
 * @param beforeLatest the due slot before {@code latest} ({@link Long#MIN_VALUE} if none)
 * @param olderThanKept the latest slot older than the newest {@code keep} ({@link Long#MIN_VALUE}
 *     when no more than {@code keep} are due)
 */
record DueSlots(long count, long latest, long beforeLatest, long olderThanKept) {

  /**
   * The slots from {@code first} (due: at or before {@code now}) through {@code now}, keeping in
   * view the newest {@code keep}. Walks the trigger's slots one by one: a long outage of a frequent
   * cron job costs one pass over its missed slots, once.
   */
  static DueSlots between(SlotTrigger trigger, long first, long now, int keep) {
    ArrayDeque<Long> newest = new ArrayDeque<>(keep + 1);
    long count = 0;
    long olderThanKept = Long.MIN_VALUE;
    long latest = first;
    long beforeLatest = Long.MIN_VALUE;
    for (long t = first; t <= now; ) {
      count++;
      beforeLatest = count > 1 ? latest : Long.MIN_VALUE;
      latest = t;
      newest.addLast(t);
      if (newest.size() > keep) {
        olderThanKept = newest.removeFirst();
      }
      long following = trigger.after(t);
      if (following <= t) {
        break; // slots that do not advance: never loop forever
      }
      t = following;
    }
    return new DueSlots(count, latest, beforeLatest, olderThanKept);
  }
}
