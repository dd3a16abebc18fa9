package dev.raftboot.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A replicated key-value and job service on the Raft Boot starter: every node serves the HTTP API,
 * writes go through the leader of the {@code kv} group, and a {@code @ScheduledOnce} job appends to
 * a replicated job log once per slot across the cluster.
 *
 * <p>With no configuration it runs as a single-node cluster (node 1, HTTP on 8080, peer traffic on
 * 127.0.0.1:7070, data under {@code ./data/node-1}); {@code scripts/run-cluster.sh} starts three.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
