package dev.raftboot.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports invalid Raft Boot configuration the way Spring Boot reports its own. */
class RaftConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RaftConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, RaftConfigurationException cause) {
    return new FailureAnalysis(
        "Raft Boot could not start: the property '"
            + cause.property()
            + "' is invalid.\n\nReason: "
            + cause.problem(),
        cause.action(),
        cause);
  }
}
