package dev.raftboot.testkit.linearizability;

import java.util.List;
import java.util.function.BiFunction;

/** Renders a {@link CheckResult} as text for test failures and logs. */
final class ReportFormatter<I, O> {

  /**
   * A failing prefix can hold thousands of operations; its tail is what explains the failure, so
   * only that much is printed. The full prefix stays available through the API.
   */
  static final int MAX_PREFIX_LINES = 20;

  private final BiFunction<I, O, String> operationDescriber;
  private final StringBuilder out = new StringBuilder();

  ReportFormatter(BiFunction<I, O, String> operationDescriber) {
    this.operationDescriber = operationDescriber;
  }

  String format(CheckResult<I, O> result) {
    List<PartitionResult<I, O>> partitions = result.partitions();
    int operations = partitions.stream().mapToInt(PartitionResult::operationCount).sum();
    out.append(result.verdict())
        .append(": ")
        .append(partitions.size())
        .append(partitions.size() == 1 ? " partition, " : " partitions, ")
        .append(operations)
        .append(" operations, ")
        .append(result.modelSteps())
        .append(" model steps\n");
    for (PartitionResult<I, O> partition : partitions) {
      switch (partition.verdict()) {
        case NOT_LINEARIZABLE -> formatViolation(partition);
        case UNKNOWN ->
            header(partition).append(": UNKNOWN, search limits reached before a verdict\n");
        case LINEARIZABLE -> {
          // Only failures and unknowns are worth a reader's attention.
        }
      }
    }
    return out.toString();
  }

  private StringBuilder header(PartitionResult<I, O> partition) {
    return out.append("partition ")
        .append(partition.key())
        .append(" (")
        .append(partition.operationCount())
        .append(" operations)");
  }

  private void formatViolation(PartitionResult<I, O> partition) {
    header(partition).append(": NOT_LINEARIZABLE\n");
    List<Operation<I, O>> prefix = partition.linearization();
    out.append("  longest linearizable prefix: ")
        .append(prefix.size())
        .append(" operations, leaving state ")
        .append(partition.stateAfterLinearization().orElse("?"))
        .append('\n');
    int firstShown = Math.max(0, prefix.size() - MAX_PREFIX_LINES);
    if (firstShown > 0) {
      out.append("    ... ").append(firstShown).append(" earlier operations\n");
    }
    for (int i = firstShown; i < prefix.size(); i++) {
      out.append("    ").append(i + 1).append(". ").append(line(prefix.get(i))).append('\n');
    }
    out.append("  could not be linearized next:\n");
    Operation<I, O> blocking = partition.blockingOperation().orElseThrow();
    for (Operation<I, O> operation : partition.unplacedOperations()) {
      out.append("    ").append(line(operation));
      if (operation == blocking) {
        out.append("   <- responded before any order could place it");
      }
      out.append('\n');
    }
  }

  private String line(Operation<I, O> operation) {
    String response = operation.ambiguous() ? "timed out" : Long.toString(operation.responseTime());
    return "client "
        + operation.clientId()
        + " ["
        + operation.invocationTime()
        + ", "
        + response
        + "] "
        + operationDescriber.apply(operation.input(), operation.output());
  }
}
