package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProposalEnvelopeTest {
  private static ProposalEnvelope roundTrip(ProposalEnvelope e) {
    return ProposalEnvelope.decode(ByteString.copyFrom(e.encode()));
  }

  @Test
  void everyKindRoundTrips() {
    ProposalEnvelope plain = roundTrip(ProposalEnvelope.command(3, 11, 1234, new byte[] {9}));
    assertThat(plain.kind()).isEqualTo(ProposalEnvelope.Kind.COMMAND);
    assertThat(plain.origin()).isEqualTo(3);
    assertThat(plain.proposalId()).isEqualTo(11);
    assertThat(plain.proposedAtMillis()).isEqualTo(1234);
    assertThat(plain.command()).containsExactly(9);

    ProposalEnvelope session =
        roundTrip(
            ProposalEnvelope.sessionCommand(3, 12, 99, new ClientRequest(40, 2), new byte[] {7}));
    assertThat(session.kind()).isEqualTo(ProposalEnvelope.Kind.SESSION_COMMAND);
    assertThat(session.clientId()).isEqualTo(40);
    assertThat(session.sequence()).isEqualTo(2);
    assertThat(session.command()).containsExactly(7);

    ProposalEnvelope open = roundTrip(ProposalEnvelope.openSession(1, 13, 5));
    assertThat(open.kind()).isEqualTo(ProposalEnvelope.Kind.OPEN_SESSION);
    assertThat(open.command()).isEmpty();
  }

  @Test
  void version1EnvelopesInOldLogsStillDecode() {
    byte[] v1 =
        ByteBuffer.allocate(17 + 2)
            .put((byte) 1)
            .putLong(5)
            .putLong(6)
            .put(new byte[] {1, 2})
            .array();
    ProposalEnvelope e = ProposalEnvelope.decode(ByteString.copyFrom(v1));
    assertThat(e.kind()).isEqualTo(ProposalEnvelope.Kind.COMMAND);
    assertThat(e.origin()).isEqualTo(5);
    assertThat(e.proposalId()).isEqualTo(6);
    assertThat(e.proposedAtMillis()).isZero();
    assertThat(e.command()).containsExactly(1, 2);
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> ProposalEnvelope.decode(ByteString.copyFrom(new byte[] {7, 1, 2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version byte 7");
    byte[] badKind = new byte[ProposalEnvelope.V2_HEADER];
    badKind[0] = 2;
    badKind[1] = 9;
    assertThatThrownBy(() -> ProposalEnvelope.decode(ByteString.copyFrom(badKind)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kind 9");
  }
}
