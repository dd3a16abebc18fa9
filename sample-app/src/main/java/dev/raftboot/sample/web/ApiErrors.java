package dev.raftboot.sample.web;

import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.node.GroupClosedException;
import dev.raftboot.node.NotLeaderException;
import dev.raftboot.node.ProposalTimeoutException;
import dev.raftboot.sample.SampleProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors as RFC 9457 problem details ({@code application/problem+json}). A 503 carries {@code
 * Retry-After} and an {@code outcome}: {@code not-applied} when the write certainly did not happen
 * (safe to retry), {@code unknown} when it may still be applied (retry only if it is idempotent).
 */
@RestControllerAdvice
public class ApiErrors {
  /** The write was certainly not applied. */
  public static final String NOT_APPLIED = "not-applied";

  /** The write may or may not be applied. */
  public static final String UNKNOWN = "unknown";

  private final String retryAfterSeconds;

  public ApiErrors(SampleProperties properties) {
    this.retryAfterSeconds =
        Long.toString(Math.max(1, (properties.getRetryAfter().toMillis() + 999) / 1000));
  }

  @ExceptionHandler(BadRequestException.class)
  ResponseEntity<ProblemDetail> badRequest(BadRequestException e) {
    return ResponseEntity.badRequest()
        .body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage()));
  }

  @ExceptionHandler(KeyNotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(KeyNotFoundException e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage()));
  }

  @ExceptionHandler(LeaderElsewhereException.class)
  ResponseEntity<ProblemDetail> leaderElsewhere(LeaderElsewhereException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.TEMPORARY_REDIRECT, e.getMessage());
    problem.setProperty("leaderId", e.leaderId());
    return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
        .location(e.location())
        .body(problem);
  }

  @ExceptionHandler(NoLeaderException.class)
  ResponseEntity<ProblemDetail> noLeader(NoLeaderException e) {
    return unavailable(e.getMessage(), NOT_APPLIED, 0);
  }

  @ExceptionHandler(NotLeaderException.class)
  ResponseEntity<ProblemDetail> notLeader(NotLeaderException e) {
    return unavailable(e.getMessage(), NOT_APPLIED, e.leaderId());
  }

  @ExceptionHandler(ProposalDroppedException.class)
  ResponseEntity<ProblemDetail> dropped(ProposalDroppedException e) {
    return unavailable(e.getMessage(), NOT_APPLIED, 0);
  }

  @ExceptionHandler(ProposalTimeoutException.class)
  ResponseEntity<ProblemDetail> timedOut(ProposalTimeoutException e) {
    return unavailable(e.getMessage(), UNKNOWN, 0);
  }

  @ExceptionHandler(GroupClosedException.class)
  ResponseEntity<ProblemDetail> closed(GroupClosedException e) {
    return unavailable(e.getMessage(), UNKNOWN, 0);
  }

  private ResponseEntity<ProblemDetail> unavailable(String detail, String outcome, long leaderId) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
    problem.setProperty("outcome", outcome);
    if (leaderId != 0) {
      problem.setProperty("leaderId", leaderId);
    }
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
        .body(problem);
  }
}
