package dev.raftboot.node;

/**
 * Identifies one leadership: the term and the log index of the first entry the leader committed in
 * it. Tokens of later leaderships compare greater, so a downstream system that remembers the
 * highest token it has seen can reject work from a deposed leader.
 */
public record FencingToken(long term, long index) implements Comparable<FencingToken> {
  @Override
  public int compareTo(FencingToken o) {
    int c = Long.compare(term, o.term);
    return c != 0 ? c : Long.compare(index, o.index);
  }
}
