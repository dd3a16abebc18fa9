package dev.raftboot.core;

/** Volatile state that need not be persisted: who leads, and this node's role. */
public record SoftState(long leaderId, StateRole role) {}
