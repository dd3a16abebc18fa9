package dev.raftboot.sample.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.sample.SampleProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JobLogTest {
  private final JsonMapper json = JsonMapper.builder().build();

  private JobLog log(int keep) {
    SampleProperties p = new SampleProperties();
    p.getJobs().setKeep(keep);
    return new JobLog(json, p);
  }

  private static JobEntry entry(long slot, long term, long claim) {
    return new JobEntry(Instant.ofEpochSecond(slot), 1, 2, term, claim);
  }

  @Test
  void aLineWithAnOlderTokenThanOneAcceptedIsFenced() {
    JobLog log = log(10);
    assertThat(log.apply(1, entry(10, 2, 5)).fenced()).isFalse();
    assertThat(log.apply(2, entry(15, 3, 9)).fenced()).isFalse();
    // A deposed leader (term 2) reporting late.
    assertThat(log.apply(3, entry(20, 2, 7)).fenced()).isTrue();
    assertThat(log.apply(4, entry(20, 3, 11)).fenced()).isFalse();
  }

  @Test
  void keepsTheNewestLinesAndCountsAll() {
    JobLog log = log(2);
    for (int i = 1; i <= 5; i++) {
      log.apply(i, entry(i, 1, i));
    }
    assertThat(log.view().total()).isEqualTo(5);
    assertThat(log.view().entries()).extracting(JobLogLine::index).containsExactly(4L, 5L);
  }

  @Test
  void snapshotRestoresLinesCountAndNewestToken() {
    JobLog log = log(10);
    log.apply(1, entry(1, 4, 1));
    log.apply(2, entry(2, 4, 2));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    log.snapshot(out);

    JobLog restored = log(10);
    restored.restore(new ByteArrayInputStream(out.toByteArray()));
    assertThat(restored.view()).isEqualTo(log.view());
    // The newest token came back too: an older one is still fenced.
    assertThat(restored.apply(3, entry(3, 3, 9)).fenced()).isTrue();
  }
}
