package dev.raftboot.sample.jobs;

import dev.raftboot.spring.RaftTemplate;
import dev.raftboot.spring.schedule.ScheduledOnce;
import dev.raftboot.spring.schedule.ScheduledOnceContext;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The cluster-wide job: once per slot (every {@code sample.jobs.rate}), on the scheduler's leader,
 * appends a line to the job log with the slot, this node, and the run's fencing token.
 */
@Component
public class JobLogWriter {
  private static final Logger log = LoggerFactory.getLogger(JobLogWriter.class);

  private final RaftTemplate raft;
  private final long nodeId;

  public JobLogWriter(RaftTemplate raft, @Value("${raft.node-id}") long nodeId) {
    this.raft = raft;
    this.nodeId = nodeId;
  }

  @ScheduledOnce(name = "job-log", fixedRate = "${sample.jobs.rate:5s}")
  public void appendLine(ScheduledOnceContext run) throws InterruptedException {
    JobEntry entry =
        new JobEntry(
            run.slot(),
            run.attempt(),
            nodeId,
            run.fencingToken().term(),
            run.fencingToken().index());
    try {
      raft.submit(JobLog.GROUP, entry).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The run fails and the scheduler records that; the slot stays claimed and, under the
      // default misfire policy, is not run again.
      log.warn("job-log: slot {} not recorded: {}", run.slot(), e.toString());
      throw new IllegalStateException("the job log did not take the line of " + run.slot(), e);
    }
  }
}
