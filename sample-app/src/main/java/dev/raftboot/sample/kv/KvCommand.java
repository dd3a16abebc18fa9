package dev.raftboot.sample.kv;

import tools.jackson.databind.JsonNode;

/**
 * A write to the key-value store, replicated through the {@code kv} group's log as JSON.
 *
 * @param op what to do
 * @param key the key
 * @param value the value a PUT writes or a CAS installs; null otherwise
 * @param expect the value a CAS expects; null means "expects the key absent"
 */
public record KvCommand(Op op, String key, JsonNode value, JsonNode expect) {
  /** A JSON null (as a decoded command has for an absent field) means absent. */
  public KvCommand {
    value = value == null || value.isNull() ? null : value;
    expect = expect == null || expect.isNull() ? null : expect;
  }

  /** The write operations. */
  public enum Op {
    PUT,
    DELETE,
    CAS
  }

  public static KvCommand put(String key, JsonNode value) {
    return new KvCommand(Op.PUT, key, value, null);
  }

  public static KvCommand delete(String key) {
    return new KvCommand(Op.DELETE, key, null, null);
  }

  public static KvCommand cas(String key, JsonNode expect, JsonNode update) {
    return new KvCommand(Op.CAS, key, update, expect);
  }
}
