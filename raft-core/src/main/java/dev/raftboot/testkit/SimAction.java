package dev.raftboot.testkit;

/** One kind of step a {@link Simulation} can take. Which one comes next is drawn by weight. */
public enum SimAction {
  /** Advance one node's logical clock by a tick. Nodes tick at independent rates. */
  TICK,
  /** Deliver an in-flight message: usually the oldest, sometimes a random one (reordering). */
  DELIVER,
  /**
   * Deliver every message in flight, oldest first: a network round. Keeps the ratio of message
   * traffic to ticks realistic (many deliveries per heartbeat interval).
   */
  DELIVER_ALL,
  /** Lose an in-flight message. */
  DROP,
  /** Deliver an in-flight message twice. */
  DUPLICATE,
  /** Let a node process one Ready: persist, release its messages, apply, advance. */
  READY,
  /** Let every node process one Ready. */
  READY_ALL,
  /** Kill a node: what it had not persisted is lost, its state machine too. */
  CRASH,
  /** Restart a crashed node from what it persisted. */
  RESTART,
  /** Split the nodes into two groups that cannot talk to each other. */
  PARTITION,
  /** Cut one direction of one link. */
  PARTITION_ONE_WAY,
  /** Remove every partition. */
  HEAL,
  /** A client proposes a write through a random node. */
  PROPOSE,
  /** A client asks a random node for a linearizable read (ReadIndex). */
  READ,
  /** The leader proposes a membership change (promote, demote, joint changes, leave joint). */
  CONF_CHANGE,
  /** The leader is asked to transfer leadership to a random voter. */
  TRANSFER,
  /** A node snapshots its state machine and compacts its log. */
  COMPACT,
  /**
   * With asynchronous storage writes: a node's oldest write in progress becomes durable; the
   * messages that waited for it go out.
   */
  PERSIST,
  /**
   * Cut the leader (of the newest term) off from every other node, both ways: the others elect
   * another while it still believes it leads, and clients keep talking to it. Weight 0 unless set.
   */
  ISOLATE_LEADER
}
