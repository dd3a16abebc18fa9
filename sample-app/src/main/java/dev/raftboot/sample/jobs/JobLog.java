package dev.raftboot.sample.jobs;

import dev.raftboot.node.FencingToken;
import dev.raftboot.sample.SampleProperties;
import dev.raftboot.spring.RaftStateMachine;
import dev.raftboot.spring.TypedStateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The replicated job log: the {@code jobs} Raft group. It keeps the last {@code sample.jobs.keep}
 * lines and the count of all, and plays a downstream system that checks fencing tokens: a line
 * whose token is older than the newest accepted one is recorded as {@code fenced}.
 */
@Component
@RaftStateMachine(JobLog.GROUP)
public class JobLog implements TypedStateMachine<JobEntry, JobLogLine> {
  /** The Raft group's name. */
  public static final String GROUP = "jobs";

  /** What a snapshot holds. */
  record Image(long total, FencingToken newest, List<JobLogLine> lines) {}

  /** The log as a reader sees it. */
  public record View(long total, List<JobLogLine> entries) {}

  private final JsonMapper mapper;
  private final int keep;
  private final Deque<JobLogLine> lines = new ArrayDeque<>();
  private long total;
  private FencingToken newest = new FencingToken(0, 0);

  public JobLog(JsonMapper mapper, SampleProperties properties) {
    this.mapper =
        mapper
            .rebuild()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();
    this.keep = Math.max(1, properties.getJobs().getKeep());
  }

  @Override
  public synchronized JobLogLine apply(long index, JobEntry entry) {
    FencingToken token = new FencingToken(entry.term(), entry.fencingIndex());
    boolean fenced = token.compareTo(newest) < 0;
    if (!fenced) {
      newest = token;
    }
    JobLogLine line = JobLogLine.of(index, entry, fenced);
    lines.addLast(line);
    total++;
    while (lines.size() > keep) {
      lines.removeFirst();
    }
    return line;
  }

  /** The lines this node has applied, oldest first. */
  public synchronized View view() {
    return new View(total, new ArrayList<>(lines));
  }

  @Override
  public synchronized void snapshot(OutputStream out) {
    mapper.writeValue(out, new Image(total, newest, new ArrayList<>(lines)));
  }

  @Override
  public synchronized void restore(InputStream in) {
    Image image = mapper.readValue(in, Image.class);
    lines.clear();
    lines.addAll(image.lines());
    total = image.total();
    newest = image.newest();
  }
}
