package dev.raftboot.spring.actuate;

import dev.raftboot.core.Progress;
import dev.raftboot.core.Status;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.proto.ConfState;
import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.schedule.JobRun;
import dev.raftboot.spring.schedule.ScheduledJob;
import dev.raftboot.spring.schedule.ScheduledOnceJobs;
import dev.raftboot.transport.PeerAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.ClassUtils;

/**
 * The {@code raft} actuator endpoint. Reads show every group (role, term, leader, commit and
 * applied index, members, per-peer replication progress) and the {@code @ScheduledOnce} jobs with
 * their last runs. Writes change membership, transfer leadership or take a snapshot: they are off
 * unless {@code management.endpoint.raft.access=unrestricted}, and with Spring Security present
 * they need an authenticated caller in {@code raft.actuator.write-role}.
 */
@Endpoint(id = "raft", defaultAccess = Access.READ_ONLY)
public class RaftEndpoint {
  private static final boolean SPRING_SECURITY =
      ClassUtils.isPresent(
          "org.springframework.security.core.Authentication", RaftEndpoint.class.getClassLoader());

  private static final int STATUS_FORBIDDEN = 403;
  private static final int STATUS_CONFLICT = 409;

  private final RaftRuntime runtime;
  private final ScheduledOnceJobs jobs;
  private final String writeRole;
  private final Duration timeout;
  private final int historyShown;

  public RaftEndpoint(
      RaftRuntime runtime,
      ScheduledOnceJobs jobs,
      String writeRole,
      Duration timeout,
      int historyShown) {
    this.runtime = runtime;
    this.jobs = jobs;
    this.writeRole = writeRole;
    this.timeout = timeout;
    this.historyShown = historyShown;
  }

  /** Everything: the node, its groups and its jobs. */
  @ReadOperation
  public Map<String, Object> raft() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("nodeId", runtime.nodeId());
    body.put("running", runtime.isRunning());
    Map<String, Object> groups = new TreeMap<>();
    if (runtime.isRunning()) {
      runtime.groupNames().forEach(name -> groups.put(name, describe(name)));
    }
    body.put("groups", groups);
    body.put("jobs", jobs());
    return body;
  }

  /** One group. */
  @ReadOperation
  public Map<String, Object> group(@Selector String group) {
    return describe(group);
  }

  private Map<String, Object> describe(String name) {
    RaftGroup group = runtime.group(name);
    Status st = group.status();
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("role", st.role().name());
    g.put("term", st.term());
    g.put("leaderId", st.leaderId());
    g.put("commitIndex", st.commit());
    g.put("appliedIndex", group.appliedIndex());
    g.put("lastIndex", st.lastIndex());
    g.put("members", members(st.confState(), st));
    if (st.leadTransferee() != 0) {
      g.put("leadTransferee", st.leadTransferee());
    }
    g.put("proposals", group.stats().proposals());
    g.put("lastSnapshotIndex", group.stats().lastSnapshotIndex());
    g.put("logFirstIndex", group.stats().logFirstIndex());
    g.put("snapshotsTaken", group.stats().snapshotsTaken());
    return g;
  }

  private Map<String, Object> members(ConfState conf, Status st) {
    Map<String, Object> members = new TreeMap<>();
    conf.getVotersList().forEach(id -> members.put(Long.toString(id), member(id, "VOTER", st)));
    conf.getLearnersList().forEach(id -> members.put(Long.toString(id), member(id, "LEARNER", st)));
    conf.getVotersOutgoingList()
        .forEach(id -> members.putIfAbsent(Long.toString(id), member(id, "OUTGOING_VOTER", st)));
    return members;
  }

  private Map<String, Object> member(long id, String kind, Status st) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("role", id == st.leaderId() ? "LEADER" : id == st.id() ? st.role().name() : "FOLLOWER");
    runtime.address(id).ifPresent(a -> m.put("address", a.toString()));
    Progress p = st.progress().get(id);
    if (p != null) {
      m.put("matchIndex", p.match());
      m.put("nextIndex", p.next());
      m.put("state", p.state().name());
    }
    return m;
  }

  private Map<String, Object> jobs() {
    Map<String, Object> out = new TreeMap<>();
    if (jobs == null) {
      return out;
    }
    for (ScheduledJob job : jobs.jobs().values()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("group", job.group());
      j.put("schedule", job.schedule());
      j.put("misfire", job.misfire().name());
      j.put("catchUp", job.catchUp().name());
      List<JobRun> history = runtime.isRunning() ? jobs.history(job.name()) : List.of();
      j.put(
          "lastRuns", history.subList(Math.max(0, history.size() - historyShown), history.size()));
      out.put(job.name(), j);
    }
    return out;
  }

  /**
   * Changes the group: {@code operation} is one of {@code add-learner} (with the new node's {@code
   * address}), {@code promote}, {@code remove}, {@code replace} ({@code nodeId} by {@code
   * newNodeId} at {@code address}), {@code transfer-leadership}, or {@code snapshot} (snapshot the
   * state machine on this node now and compact its log; no {@code nodeId}).
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> change(
      SecurityContext security,
      @Selector String group,
      String operation,
      @Nullable Long nodeId,
      @Nullable String address,
      @Nullable Long newNodeId)
      throws Exception {
    String denied = denied(security);
    if (denied != null) {
      return error(denied, STATUS_FORBIDDEN);
    }
    if (!runtime.groupNames().contains(group)) {
      return error("no group " + group, WebEndpointResponse.STATUS_NOT_FOUND);
    }
    RaftGroup g = runtime.group(group);
    PeerAddress peer;
    try {
      peer = address == null || address.isBlank() ? null : PeerAddress.parse(address.trim());
    } catch (IllegalArgumentException e) {
      return error("address: " + e.getMessage(), WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    Object result;
    try {
      result = apply(g, operation, nodeId, peer, newNodeId);
    } catch (java.util.concurrent.ExecutionException e) {
      return error(String.valueOf(e.getCause()), STATUS_CONFLICT);
    }
    if (result instanceof WebEndpointResponse<?>) {
      @SuppressWarnings("unchecked")
      WebEndpointResponse<Map<String, Object>> refusal =
          (WebEndpointResponse<Map<String, Object>>) result;
      return refusal;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("group", group);
    body.put("operation", operation);
    if (nodeId != null) {
      body.put("nodeId", nodeId);
    }
    body.put("result", result);
    return new WebEndpointResponse<>(body);
  }

  private Object apply(RaftGroup g, String operation, Long nodeId, PeerAddress peer, Long newNodeId)
      throws Exception {
    long ms = timeout.toMillis();
    if (operation.equals("snapshot")) {
      return Map.of("snapshotIndex", g.takeSnapshot().get(ms, TimeUnit.MILLISECONDS));
    }
    if (nodeId == null) {
      return error(operation + " needs a nodeId", WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    Object result;
    switch (operation) {
      case "add-learner" -> {
        if (peer == null) {
          return error(
              "add-learner needs the new node's address", WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        result = confState(g.addLearner(nodeId, peer).get(ms, TimeUnit.MILLISECONDS));
      }
      case "promote" -> result = confState(g.promote(nodeId).get(ms, TimeUnit.MILLISECONDS));
      case "remove" -> result = confState(g.removeMember(nodeId).get(ms, TimeUnit.MILLISECONDS));
      case "replace" -> {
        if (peer == null || newNodeId == null) {
          return error(
              "replace needs newNodeId and address", WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        result = confState(g.replace(nodeId, newNodeId, peer).get(ms, TimeUnit.MILLISECONDS));
      }
      case "transfer-leadership" -> {
        g.transferLeadership(nodeId).get(ms, TimeUnit.MILLISECONDS);
        result = Map.of("leaderId", nodeId);
      }
      default -> {
        return error(
            "unknown operation '"
                + operation
                + "'; use add-learner, promote, remove, replace, transfer-leadership or snapshot",
            WebEndpointResponse.STATUS_BAD_REQUEST);
      }
    }
    return result;
  }

  private static WebEndpointResponse<Map<String, Object>> error(String message, int status) {
    return new WebEndpointResponse<>(Map.of("error", message), status);
  }

  private static Map<String, Object> confState(ConfState c) {
    return Map.of("voters", c.getVotersList(), "learners", c.getLearnersList());
  }

  /** Why the caller may not write, or null if it may. */
  private String denied(SecurityContext security) {
    if (!SPRING_SECURITY) {
      return null;
    }
    if (security == null || security.getPrincipal() == null) {
      return "raft write operations need an authenticated caller";
    }
    if (writeRole != null && !writeRole.isBlank() && !security.isUserInRole(writeRole)) {
      return "raft write operations need the role " + writeRole;
    }
    return null;
  }
}
