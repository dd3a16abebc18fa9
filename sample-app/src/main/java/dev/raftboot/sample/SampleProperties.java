package dev.raftboot.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Settings of the sample application under {@code sample.}. */
@ConfigurationProperties(prefix = "sample")
public class SampleProperties {
  /** Largest value a PUT or CAS accepts (the request body); larger ones are answered 400. */
  private DataSize maxValueSize = DataSize.ofKilobytes(64);

  /** Longest key accepted, in characters. */
  private int maxKeyLength = 256;

  /**
   * Whether a follower forwards writes to the leader (true) or answers 307 with the leader's URL,
   * taken from sample.http-urls (false).
   */
  private boolean forwardWrites = true;

  /**
   * Every node's HTTP base URL as "id=url" entries, e.g.
   * "1=http://127.0.0.1:8081,2=http://127.0.0.1:8082"; used for the Location of 307 answers.
   */
  private List<String> httpUrls = new ArrayList<>();

  /** Seconds a 503 answer asks the client to wait before retrying (Retry-After). */
  private Duration retryAfter = Duration.ofSeconds(1);

  private final Jobs jobs = new Jobs();

  /** The replicated job log. */
  public static class Jobs {
    /** Period of the job that appends to the job log (its @ScheduledOnce fixed rate). */
    private Duration rate = Duration.ofSeconds(5);

    /** Entries the job log keeps (older ones are dropped; the total count is kept). */
    private int keep = 1000;

    public Duration getRate() {
      return rate;
    }

    public void setRate(Duration rate) {
      this.rate = rate;
    }

    public int getKeep() {
      return keep;
    }

    public void setKeep(int keep) {
      this.keep = keep;
    }
  }

  public DataSize getMaxValueSize() {
    return maxValueSize;
  }

  public void setMaxValueSize(DataSize maxValueSize) {
    this.maxValueSize = maxValueSize;
  }

  public int getMaxKeyLength() {
    return maxKeyLength;
  }

  public void setMaxKeyLength(int maxKeyLength) {
    this.maxKeyLength = maxKeyLength;
  }

  public boolean isForwardWrites() {
    return forwardWrites;
  }

  public void setForwardWrites(boolean forwardWrites) {
    this.forwardWrites = forwardWrites;
  }

  public List<String> getHttpUrls() {
    return httpUrls;
  }

  public void setHttpUrls(List<String> httpUrls) {
    this.httpUrls = httpUrls;
  }

  public Duration getRetryAfter() {
    return retryAfter;
  }

  public void setRetryAfter(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }

  public Jobs getJobs() {
    return jobs;
  }
}
