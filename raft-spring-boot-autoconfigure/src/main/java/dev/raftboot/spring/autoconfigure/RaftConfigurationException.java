package dev.raftboot.spring.autoconfigure;

/**
 * Raft Boot's configuration is invalid. Names the property, what is wrong with it and how to fix
 * it; {@link RaftConfigurationFailureAnalyzer} turns it into Spring Boot's start-up failure report.
 */
public class RaftConfigurationException extends RuntimeException {
  private final String property;
  private final String problem;
  private final String action;

  public RaftConfigurationException(String property, String problem, String action) {
    this(property, problem, action, null);
  }

  public RaftConfigurationException(
      String property, String problem, String action, Throwable cause) {
    super("invalid Raft Boot configuration: " + property + ": " + problem, cause);
    this.property = property;
    this.problem = problem;
    this.action = action;
  }

  /** The property at fault, e.g. {@code raft.node-id}. */
  public String property() {
    return property;
  }

  /** What is wrong with it. */
  public String problem() {
    return problem;
  }

  /** How to fix it. */
  public String action() {
    return action;
  }
}
