package dev.raftboot.core;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The answer to a read index request: once this node has applied {@code index}, a read of its state
 * machine is linearizable with respect to the request identified by {@code requestCtx}.
 */
public record ReadState(long index, byte[] requestCtx) {
  @Override
  public boolean equals(Object o) {
    return o instanceof ReadState other
        && index == other.index
        && Arrays.equals(requestCtx, other.requestCtx);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(index) + Arrays.hashCode(requestCtx);
  }

  @Override
  public String toString() {
    return "ReadState[index="
        + index
        + ", requestCtx="
        + HexFormat.of().formatHex(requestCtx)
        + "]";
  }
}
