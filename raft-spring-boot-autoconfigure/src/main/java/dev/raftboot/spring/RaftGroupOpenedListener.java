package dev.raftboot.spring;

import dev.raftboot.node.RaftGroup;

/**
 * Told when the runtime has opened a group, before any command is submitted through it. Beans of
 * this type are called in order; the metrics auto-configuration is one.
 */
@FunctionalInterface
public interface RaftGroupOpenedListener {
  void opened(RaftGroup group);
}
