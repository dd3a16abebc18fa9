package dev.raftboot.transport;

import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.Message;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a transport delivers and reports, for assertions. */
final class Recorder implements InboundHandler, TransportListener {
  record Unreachable(String group, long peer) {}

  record SnapStatus(String group, long peer, SnapshotStatus status) {}

  final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
  final CopyOnWriteArrayList<Integer> batchSizes = new CopyOnWriteArrayList<>();

  /** The threads that delivered messages. */
  final Set<String> deliveringThreads = ConcurrentHashMap.newKeySet();

  final CopyOnWriteArrayList<ReceivedSnapshot> snapshots = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Unreachable> unreachable = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<SnapStatus> snapshotStatuses = new CopyOnWriteArrayList<>();

  @Override
  public void onMessages(List<Message> batch) {
    batchSizes.add(batch.size());
    deliveringThreads.add(Thread.currentThread().getName());
    messages.addAll(batch);
  }

  @Override
  public void onSnapshot(ReceivedSnapshot snapshot) {
    snapshots.add(snapshot);
  }

  @Override
  public void unreachable(String group, long peerId) {
    unreachable.add(new Unreachable(group, peerId));
  }

  @Override
  public void snapshotStatus(String group, long peerId, SnapshotStatus status) {
    snapshotStatuses.add(new SnapStatus(group, peerId, status));
  }

  List<Long> indexesFrom(long from) {
    return messages.stream().filter(m -> m.getFrom() == from).map(Message::getIndex).toList();
  }
}
