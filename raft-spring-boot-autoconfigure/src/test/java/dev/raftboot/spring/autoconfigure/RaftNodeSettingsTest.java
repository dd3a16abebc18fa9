package dev.raftboot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.ReadOnlyOption;
import dev.raftboot.node.GroupOptions;
import dev.raftboot.node.ServerConfig;
import dev.raftboot.transport.PeerAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** How properties resolve into the runtime's settings, per group overrides included. */
class RaftNodeSettingsTest {
  @TempDir Path dir;

  private RaftProperties properties() {
    RaftProperties p = new RaftProperties();
    p.setNodeId(2L);
    p.setMembers(List.of("1=10.0.0.1:7070", " 2 = 10.0.0.2:7071 ", "3=[::1]:7072"));
    p.setDataDir(dir);
    return p;
  }

  @Test
  void membersResolveToPeersAndThisNodesAddress() {
    RaftNodeSettings s = RaftNodeSettings.of(properties());
    assertThat(s.advertisedAddress()).isEqualTo(new PeerAddress("10.0.0.2", 7071));
    assertThat(s.initialVoters().getVotersList()).containsExactly(1L, 2L, 3L);
    ServerConfig server = s.serverConfig(false);
    assertThat(server.peers())
        .containsOnlyKeys(1L, 3L)
        .containsEntry(3L, new PeerAddress("::1", 7072));
    assertThat(server.port()).isEqualTo(7070);
    ServerConfig external = s.serverConfig(true);
    assertThat(external.bindHost()).isEqualTo("10.0.0.2");
    assertThat(external.port()).isEqualTo(7071);
  }

  @Test
  void theApplyPoolHasAsManyThreadsAsTheLoopPoolUnlessSet() {
    RaftProperties p = properties();
    p.setThreads(3);
    assertThat(RaftNodeSettings.of(p).serverConfig(false).applyThreads()).isEqualTo(3);
    p.setApplyThreads(8);
    ServerConfig server = RaftNodeSettings.of(p).serverConfig(false);
    assertThat(server.threads()).isEqualTo(3);
    assertThat(server.applyThreads()).isEqualTo(8);
  }

  @Test
  void theLeaseMarginReachesEveryGroupsConfig() {
    RaftProperties p = properties();
    assertThat(RaftNodeSettings.of(p).raftConfig("any").id(1).build().leaseMarginTicks())
        .isEqualTo(2);
    p.setLeaseMarginTicks(4);
    assertThat(RaftNodeSettings.of(p).raftConfig("any").id(1).build().leaseMarginTicks())
        .isEqualTo(4);
  }

  @Test
  void theSnapshotByteBudgetIsSetNodeWideAndPerGroup() {
    RaftProperties p = properties();
    assertThat(RaftNodeSettings.of(p).groupOptions("any").snapshotEveryBytes())
        .isEqualTo(GroupOptions.DEFAULT_SNAPSHOT_EVERY_BYTES);
    p.getSnapshot().setEveryBytes(DataSize.ofMegabytes(8));
    RaftGroupProperties blobs = new RaftGroupProperties();
    blobs.setSnapshotEveryBytes(DataSize.ofGigabytes(1));
    p.getGroups().put("blobs", blobs);
    RaftNodeSettings s = RaftNodeSettings.of(p);
    assertThat(s.groupOptions("any").snapshotEveryBytes()).isEqualTo(8L << 20);
    assertThat(s.groupOptions("blobs").snapshotEveryBytes()).isEqualTo(1L << 30);
  }

  @Test
  void groupOverridesApplyOnlyToTheirGroup() {
    RaftProperties p = properties();
    RaftGroupProperties orders = new RaftGroupProperties();
    orders.setElectionTicks(30);
    orders.setReadMode(RaftProperties.ReadMode.LEASE_BASED);
    orders.setProposalTimeout(Duration.ofSeconds(9));
    orders.setSnapshotEveryEntries(50L);
    p.getGroups().put("orders", orders);
    RaftNodeSettings s = RaftNodeSettings.of(p);

    RaftConfig ordersConfig = s.raftConfig("orders").id(2).build();
    assertThat(ordersConfig.electionTick()).isEqualTo(30);
    assertThat(ordersConfig.heartbeatTick()).isEqualTo(1);
    assertThat(ordersConfig.readOnlyOption()).isEqualTo(ReadOnlyOption.LEASE_BASED);
    GroupOptions ordersOptions = s.groupOptions("orders");
    assertThat(ordersOptions.proposalTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(ordersOptions.snapshotEvery()).isEqualTo(50);
    assertThat(ordersOptions.keepEntries()).isEqualTo(1_000);

    RaftConfig other = s.raftConfig("other").id(2).build();
    assertThat(other.electionTick()).isEqualTo(10);
    assertThat(other.readOnlyOption()).isEqualTo(ReadOnlyOption.SAFE);
    assertThat(s.groupOptions("other").snapshotEvery()).isEqualTo(10_000);
  }

  @Test
  void noMembersMeansASingleNodeClusterAndJoinMeansNoInitialVoters() {
    RaftProperties p = new RaftProperties();
    p.setNodeId(1L);
    p.setDataDir(dir);
    RaftNodeSettings single = RaftNodeSettings.of(p);
    assertThat(single.members()).containsOnlyKeys(1L);
    assertThat(single.initialVoters().getVotersList()).containsExactly(1L);

    RaftProperties joining = properties();
    joining.setJoin(true);
    assertThat(RaftNodeSettings.of(joining).initialVoters().getVotersCount()).isZero();
  }
}
