package dev.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's trust check of client certificates: the JDK's PKIX check against the trusted CAs of
 * a {@link TlsConfig}, which also reports each certificate it refuses (who presented it, who issued
 * it, from where, and why) before the handshake fails. Without it a refused client would only show
 * up as a connection that closed early.
 */
final class ClientCertificateCheck extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final Consumer<String> onRefused;

  private ClientCertificateCheck(X509ExtendedTrustManager pkix, Consumer<String> onRefused) {
    this.pkix = pkix;
    this.onRefused = onRefused;
  }

  /** A check trusting the CA certificates in the PEM file {@code trustCerts}. */
  static ClientCertificateCheck trusting(Path trustCerts, Consumer<String> onRefused) {
    try (InputStream in = Files.newInputStream(trustCerts)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, ca);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return new ClientCertificateCheck(x509, onRefused);
        }
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TLS trustCerts " + trustCerts, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load TLS trustCerts " + trustCerts, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, "unknown address", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused(chain, String.valueOf(socket.getRemoteSocketAddress()), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      // gRPC's server engines are made without the peer's address: then it is unknown here.
      throw refused(
          chain,
          engine.getPeerHost() == null
              ? "unknown address"
              : engine.getPeerHost() + ":" + engine.getPeerPort(),
          e);
    }
  }

  private CertificateException refused(
      X509Certificate[] chain, String from, CertificateException e) {
    String who =
        chain == null || chain.length == 0
            ? "no certificate"
            : "'"
                + chain[0].getSubjectX500Principal().getName()
                + "' issued by '"
                + chain[0].getIssuerX500Principal().getName()
                + "'";
    String where = from.equals("unknown address") ? "" : " from " + from;
    onRefused.accept("client certificate " + who + where + ": " + e.getMessage());
    return e;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
  }

  /**
   * None advertised: a client whose certificate comes from another CA then still presents it
   * (instead of sending none), so the refusal can say whose it was. Trust is decided by the PKIX
   * check alone; the list is only a hint to clients.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
