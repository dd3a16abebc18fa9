package dev.raftboot.core;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.HardState;

/** What a node reads back from storage when it starts: its hard state and configuration. */
public record RaftState(HardState hardState, ConfState confState) {}
