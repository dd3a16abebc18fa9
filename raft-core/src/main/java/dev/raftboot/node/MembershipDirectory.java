package dev.raftboot.node;

import dev.raftboot.storage.StorageException;
import dev.raftboot.storage.snapshot.DurableFiles;
import dev.raftboot.transport.PeerAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one server knows about the members of its groups beyond the Raft configuration: the address
 * of every node it learned (from membership changes and join checks), and the ids removed from each
 * group, which must never join it again. The Raft log carries both, but a node that catches up from
 * a snapshot does not see the changes behind it, so the server keeps them in a small file of its
 * own (rewritten atomically and synced on every change; changes are rare).
 *
 * <p>Thread-safe.
 */
public final class MembershipDirectory {
  private final Path file;
  private final Map<Long, PeerAddress> addresses = new TreeMap<>();
  private final Map<String, Set<Long>> removed = new TreeMap<>();

  private MembershipDirectory(Path file) {
    this.file = file;
  }

  /** A directory kept only in memory (for tests and groups whose state need not survive). */
  public static MembershipDirectory inMemory() {
    return new MembershipDirectory(null);
  }

  /** The directory stored in {@code file}, loaded if it exists. */
  public static MembershipDirectory open(Path file) {
    MembershipDirectory d = new MembershipDirectory(file);
    if (Files.exists(file)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read membership directory " + file, e);
      }
      for (String key : p.stringPropertyNames()) {
        String value = p.getProperty(key);
        try {
          if (key.startsWith("address.")) {
            d.addresses.put(Long.parseLong(key.substring(8)), PeerAddress.parse(value));
          } else if (key.startsWith("removed.") && !value.isEmpty()) {
            Set<Long> ids = new TreeSet<>();
            for (String id : value.split(",")) {
              ids.add(Long.parseLong(id.trim()));
            }
            d.removed.put(key.substring(8), ids);
          }
        } catch (IllegalArgumentException e) {
          throw new StorageException(
              "membership directory "
                  + file
                  + " is corrupt: cannot read '"
                  + key
                  + "="
                  + value
                  + "' ("
                  + e.getMessage()
                  + "); restore it from a backup, or remove it and re-add this node's peers",
              e);
        }
      }
    }
    return d;
  }

  /** Every address known, by node id. */
  public synchronized Map<Long, PeerAddress> addresses() {
    return Map.copyOf(addresses);
  }

  /** The address recorded for {@code id}, if any. */
  public synchronized Optional<PeerAddress> address(long id) {
    return Optional.ofNullable(addresses.get(id));
  }

  /** The ids removed from {@code group} so far. */
  public synchronized Set<Long> removed(String group) {
    return Set.copyOf(removed.getOrDefault(group, Set.of()));
  }

  /** Records addresses; returns those that are new or changed. */
  public synchronized Map<Long, PeerAddress> recordAddresses(Map<Long, PeerAddress> learned) {
    Map<Long, PeerAddress> changed = new TreeMap<>();
    learned.forEach(
        (id, address) -> {
          if (!address.equals(addresses.put(id, address))) {
            changed.put(id, address);
          }
        });
    if (!changed.isEmpty()) {
      save();
    }
    return changed;
  }

  /** Records ids removed from {@code group}. */
  public synchronized void recordRemoved(String group, Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    if (removed.computeIfAbsent(group, g -> new TreeSet<>()).addAll(ids)) {
      save();
    }
  }

  /** Forgets the address of a node that is no longer a member of any group here. */
  public synchronized void forgetAddress(long id) {
    if (addresses.remove(id) != null) {
      save();
    }
  }

  private void save() {
    if (file == null) {
      return;
    }
    Properties p = new Properties();
    addresses.forEach((id, address) -> p.setProperty("address." + id, address.toString()));
    removed.forEach(
        (group, ids) -> {
          StringBuilder sb = new StringBuilder();
          for (long id : ids) {
            sb.append(sb.length() == 0 ? "" : ",").append(id);
          }
          p.setProperty("removed." + group, sb.toString());
        });
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.store(out, "Raft Boot membership directory: peer addresses and removed node ids");
      DurableFiles.replace(file, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write membership directory " + file, e);
    }
  }
}
