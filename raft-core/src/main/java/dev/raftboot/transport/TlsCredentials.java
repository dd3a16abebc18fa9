package dev.raftboot.transport;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** Turns an optional {@link TlsConfig} into gRPC credentials; plaintext when absent. */
final class TlsCredentials {
  private TlsCredentials() {}

  /**
   * Server credentials; {@code onUntrustedClient} hears of each client certificate the trust check
   * refuses (a description of who and why).
   */
  static ServerCredentials server(TlsConfig tls, Consumer<String> onUntrustedClient) {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(tls.certChainFile(), tls.privateKeyFile())
          .trustManager(ClientCertificateCheck.trusting(tls.trustCerts(), onUntrustedClient))
          .clientAuth(
              tls.requireClientAuth()
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.OPTIONAL)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load server TLS material", e);
    }
  }

  static ChannelCredentials channel(TlsConfig tls) {
    if (tls == null) {
      return InsecureChannelCredentials.create();
    }
    try {
      // The client always presents its certificate: harmless when the server does not ask, and
      // required for mutual TLS.
      return TlsChannelCredentials.newBuilder()
          .keyManager(tls.certChainFile(), tls.privateKeyFile())
          .trustManager(tls.trustCertsFile())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load client TLS material", e);
    }
  }
}
