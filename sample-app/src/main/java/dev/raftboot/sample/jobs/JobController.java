package dev.raftboot.sample.jobs;

import dev.raftboot.sample.web.Consistency;
import dev.raftboot.sample.web.Futures;
import dev.raftboot.spring.RaftTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The replicated job log over HTTP. */
@RestController
public class JobController {
  private final RaftTemplate raft;

  public JobController(RaftTemplate raft) {
    this.raft = raft;
  }

  /** The job log's recent entries and total count, at the consistency asked for. */
  @GetMapping("/jobs")
  public JobLog.View jobs(@RequestParam(required = false) String consistency) {
    return Futures.await(raft.read(JobLog.GROUP, Consistency.parse(consistency), JobLog::view));
  }
}
