package dev.raftboot.core;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * Everything a {@link RawNode} asks the application to do, in this order:
 *
 * <ol>
 *   <li>persist {@link #entries()}, {@link #hardState()} and {@link #snapshot()} (durably when
 *       {@link #mustSync()});
 *   <li>send {@link #messages()};
 *   <li>apply {@link #snapshot()} and then {@link #committedEntries()} to the state machine, and
 *       serve {@link #readStates()} once applied up to their index;
 *   <li>call {@link RawNode#advance(Ready)}.
 * </ol>
 *
 * @param softState leader and role, present only when changed since the last Ready
 * @param hardState term, vote and commit, present only when changed since the last Ready
 * @param readStates answers to read index requests
 * @param entries entries to append to stable storage
 * @param snapshot a snapshot to persist and apply
 * @param committedEntries entries to apply, in log order
 * @param messages messages to send once the above is persisted
 * @param mustSync whether the writes must reach the disk (fsync) before messages go out
 */
public record Ready(
    Optional<SoftState> softState,
    Optional<HardState> hardState,
    List<ReadState> readStates,
    List<Entry> entries,
    Optional<Snapshot> snapshot,
    List<Entry> committedEntries,
    List<Message> messages,
    boolean mustSync) {}
