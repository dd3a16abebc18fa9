package dev.raftboot.sample.kv;

import tools.jackson.databind.JsonNode;

/**
 * What applying a {@link KvCommand} did.
 *
 * @param index the command's log index
 * @param ok for a CAS, whether it installed its value; for a DELETE, whether the key existed; true
 *     for a PUT
 * @param value the key's value after the command; null if absent
 */
public record KvResult(long index, boolean ok, JsonNode value) {}
