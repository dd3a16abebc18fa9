package dev.raftboot.spring.schedule;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A cluster-wide timer: the method runs on the leader of a scheduler group, once per scheduled slot
 * across the whole cluster. The leader claims each slot through the Raft log (job name + slot time)
 * and runs the method only after the claim has committed; it records the outcome through the log
 * too, so the history survives failover.
 *
 * <p>Exactly one of {@link #cron}, {@link #fixedRate} and {@link #fixedDelay} is set. The method
 * takes no argument or one {@link ScheduledOnceContext} (slot time, attempt, fencing token).
 *
 * <p>Guarantees: a slot is claimed at most once per attempt, by one leader; a slot whose leader
 * died mid-run follows {@link #misfire}; slots that passed while no leader existed follow {@link
 * #catchUp}. The method's side effects are accepted at most once only where the downstream system
 * checks the fencing token: a leader paused after its claim may run while a newer leader exists —
 * no lock or lease can prevent that, a token check can.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ScheduledOnce {
  /** The job's name, unique in the application; defaults to {@code beanName.methodName}. */
  String name() default "";

  /** A Spring cron expression (six fields, seconds first), e.g. {@code "0 0 * * * *"}. */
  String cron() default "";

  /** The time zone of {@link #cron}; the system default when empty. */
  String zone() default "";

  /**
   * Period between slot times, e.g. {@code "5s"} or {@code "200ms"} (placeholders allowed). Slots
   * are aligned to the epoch, so every leader agrees on them.
   */
  String fixedRate() default "";

  /**
   * Delay from the end of one run (as recorded in the log) to the next slot, e.g. {@code "30s"}.
   */
  String fixedDelay() default "";

  /**
   * The scheduler group whose leader runs the job and whose log holds its claims; jobs in different
   * groups may run on different nodes. Defaults to {@code raft.scheduler.group}.
   */
  String group() default "";

  /** What a new leader does with a slot claimed by a leader that died before recording its end. */
  Misfire misfire() default Misfire.SKIP;

  /** What happens to slots that passed while no leader could run them. */
  CatchUp catchUp() default CatchUp.LATEST;
}
