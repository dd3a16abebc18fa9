package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sequential specification of a key-value store with {@code PUT}, {@code GET}, {@code CAS} and
 * {@code DELETE} (see {@link KvInput}).
 *
 * <p>Operations on different keys never affect each other, so {@link #partition} checks each key
 * separately, and a {@link KvState} is the value of the single key being checked. Because of that,
 * this model must be used through its own partitioning, as {@link LinearizabilityChecker} does:
 * stepping operations of several keys through one state would mix them up.
 */
public final class KvModel implements Model<KvModel.KvState, KvInput, KvOutput> {

  /**
   * The value of one key.
   *
   * @param value the value, or {@code null} if the key is absent
   */
  public record KvState(String value) {
    /** The key holds no value. */
    public static final KvState ABSENT = new KvState(null);
  }

  @Override
  public KvState init() {
    return KvState.ABSENT;
  }

  @Override
  public Optional<KvState> step(KvState state, KvInput input, KvOutput output) {
    Objects.requireNonNull(output, "a completed key-value operation has an output");
    return switch (input.kind()) {
      case PUT -> Optional.of(new KvState(input.value()));
      case DELETE -> Optional.of(KvState.ABSENT);
      case GET ->
          Objects.equals(state.value(), output.value()) ? Optional.of(state) : Optional.empty();
      case CAS -> {
        boolean matches = Objects.equals(state.value(), input.expected());
        if (matches != output.ok()) {
          yield Optional.empty();
        }
        yield Optional.of(matches ? new KvState(input.value()) : state);
      }
    };
  }

  /** The store is deterministic, so the state alone decides what an unanswered request did. */
  @Override
  public Optional<KvState> stepAmbiguous(KvState state, KvInput input) {
    return switch (input.kind()) {
      case PUT -> Optional.of(new KvState(input.value()));
      case DELETE -> Optional.of(KvState.ABSENT);
      case GET -> Optional.of(state);
      case CAS ->
          Optional.of(
              Objects.equals(state.value(), input.expected()) ? new KvState(input.value()) : state);
    };
  }

  /** One partition per key, in key order. */
  @Override
  public List<Partition<KvInput, KvOutput>> partition(History<KvInput, KvOutput> history) {
    Map<String, List<Operation<KvInput, KvOutput>>> byKey = new TreeMap<>();
    for (Operation<KvInput, KvOutput> operation : history.operations()) {
      byKey.computeIfAbsent(operation.input().key(), k -> new ArrayList<>()).add(operation);
    }
    List<Partition<KvInput, KvOutput>> partitions = new ArrayList<>(byKey.size());
    byKey.forEach((key, operations) -> partitions.add(new Partition<>(key, operations)));
    return partitions;
  }

  /** Renders as {@code put(x, 1)}, {@code get(x) -> 1}, {@code cas(x, 1, 2) -> ok}, and so on. */
  @Override
  public String describe(KvInput input, KvOutput output) {
    String key = input.key();
    return switch (input.kind()) {
      case PUT -> "put(" + key + ", " + input.value() + ")" + unknownSuffix(output);
      case DELETE -> "delete(" + key + ")" + unknownSuffix(output);
      case GET ->
          "get("
              + key
              + ") -> "
              + (output == null ? "?" : output.value() == null ? "absent" : output.value());
      case CAS ->
          "cas("
              + key
              + ", "
              + (input.expected() == null ? "absent" : input.expected())
              + ", "
              + input.value()
              + ") -> "
              + (output == null ? "?" : output.ok() ? "ok" : "failed");
    };
  }

  private static String unknownSuffix(KvOutput output) {
    return output == null ? " -> ?" : "";
  }

  @Override
  public String describeState(KvState state) {
    return state.value() == null ? "absent" : state.value();
  }
}
