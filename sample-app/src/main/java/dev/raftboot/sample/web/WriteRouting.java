package dev.raftboot.sample.web;

import dev.raftboot.sample.SampleProperties;
import dev.raftboot.spring.LeaderInfo;
import dev.raftboot.spring.RaftTemplate;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Decides where a write goes. With {@code sample.forward-writes=true} (the default) every node
 * takes writes and the runtime forwards a follower's to the leader. With false, a follower answers
 * 307 with the leader's URL (from {@code sample.http-urls}) so the client sends it there itself.
 */
@Component
public class WriteRouting {
  private final RaftTemplate raft;
  private final long nodeId;
  private final boolean forward;
  private final Map<Long, URI> httpUrls;

  public WriteRouting(
      RaftTemplate raft, SampleProperties properties, @Value("${raft.node-id}") long nodeId) {
    this.raft = raft;
    this.nodeId = nodeId;
    this.forward = properties.isForwardWrites();
    this.httpUrls = parse(properties);
  }

  private static Map<Long, URI> parse(SampleProperties properties) {
    Map<Long, URI> urls = new LinkedHashMap<>();
    for (String entry : properties.getHttpUrls()) {
      int eq = entry.indexOf('=');
      try {
        long id = Long.parseLong(entry.substring(0, Math.max(0, eq)).trim());
        URI url = URI.create(entry.substring(eq + 1).trim());
        if (url.getScheme() == null || url.getHost() == null) {
          throw new IllegalArgumentException("not an absolute URL");
        }
        urls.put(id, url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "sample.http-urls: '" + entry + "' is not id=url (e.g. 1=http://127.0.0.1:8081)", e);
      }
    }
    return Map.copyOf(urls);
  }

  /**
   * Returns if this node takes a write of {@code group}; otherwise throws what the client should be
   * told.
   *
   * @throws LeaderElsewhereException forwarding is off and another node leads
   * @throws NoLeaderException forwarding is off and no leader is known, or its URL is not
   */
  public void checkTakesWrite(String group, HttpServletRequest request) {
    if (forward || raft.isLeader(group)) {
      return;
    }
    Optional<LeaderInfo> leader = raft.leader(group);
    if (leader.isEmpty() || leader.get().id() == nodeId) {
      // No leader, or this node was just elected and has not committed in its term yet.
      throw new NoLeaderException("group " + group + " has no leader that takes writes right now");
    }
    long leaderId = leader.get().id();
    URI base = httpUrls.get(leaderId);
    if (base == null) {
      throw new NoLeaderException(
          "node "
              + leaderId
              + " leads group "
              + group
              + ", but its HTTP URL is not configured (sample.http-urls)");
    }
    String query = request.getQueryString();
    URI location =
        base.resolve(request.getRequestURI() + (query == null ? "" : "?" + query)).normalize();
    throw new LeaderElsewhereException(leaderId, location);
  }
}
