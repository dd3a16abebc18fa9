/**
 * A linearizability checker for histories recorded from concurrent clients of a replicated state
 * machine, usable on any user-supplied sequential {@link
 * dev.raftboot.testkit.linearizability.Model}.
 *
 * <p>Typical use: clients record what they did through a {@link
 * dev.raftboot.testkit.linearizability.HistoryRecorder}, and a test passes the {@link
 * dev.raftboot.testkit.linearizability.History} with a model such as {@link
 * dev.raftboot.testkit.linearizability.KvModel} to {@link
 * dev.raftboot.testkit.linearizability.LinearizabilityChecker#check}, then asserts on the {@link
 * dev.raftboot.testkit.linearizability.CheckResult}, printing {@code describe()} on failure.
 *
 * <p>The algorithm is Wing and Gong's search for a linearization, improved by Lowe: the call and
 * return events form a doubly linked list in real-time order; a depth-first search repeatedly picks
 * a pending operation to take effect next, removes ("lifts") it from the list, and backtracks when
 * some operation's response is reached before the operation was placed. A set of (linearized
 * operations, model state) pairs already explored prunes the search, since two paths that reach the
 * same pair have the same future. The model's partitioning (for example by key) is applied first,
 * because linearizability is compositional and small partitions are exponentially cheaper to
 * search.
 */
package dev.raftboot.testkit.linearizability;
