package dev.raftboot.transport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for peer traffic, from PEM files. Every node both serves and connects, so one config covers
 * both sides: the node presents {@code certChain}/{@code privateKey} as a server and, with mutual
 * TLS, as a client too; it trusts peers whose certificates chain to {@code trustCerts}.
 *
 * <p>With {@code requireClientAuth} the server refuses any client without a certificate signed by a
 * trusted CA (mutual TLS). Without it the server is authenticated and the traffic encrypted, but
 * clients are not. The server's certificate must name the address clients dial (subject alternative
 * name with the IP or DNS name).
 *
 * @param certChain PEM certificate chain of this node, leaf first
 * @param privateKey PEM private key of the leaf certificate (unencrypted PKCS#8)
 * @param trustCerts PEM CA certificates that peers' certificates must chain to
 * @param requireClientAuth whether the server demands a trusted client certificate (mutual TLS)
 */
public record TlsConfig(
    Path certChain, Path privateKey, Path trustCerts, boolean requireClientAuth) {

  public TlsConfig {
    requireReadable(certChain, "certChain");
    requireReadable(privateKey, "privateKey");
    requireReadable(trustCerts, "trustCerts");
  }

  /** Mutual TLS: both sides present certificates and check each other's. */
  public static TlsConfig mutual(Path certChain, Path privateKey, Path trustCerts) {
    return new TlsConfig(certChain, privateKey, trustCerts, true);
  }

  /** Server-authenticated TLS: clients check the server; the server accepts any client. */
  public static TlsConfig serverAuth(Path certChain, Path privateKey, Path trustCerts) {
    return new TlsConfig(certChain, privateKey, trustCerts, false);
  }

  private static void requireReadable(Path file, String name) {
    Objects.requireNonNull(file, name);
    if (!Files.isReadable(file)) {
      throw new UncheckedIOException(
          new IOException("TLS " + name + " file is not readable: " + file));
    }
  }

  File certChainFile() {
    return certChain.toFile();
  }

  File privateKeyFile() {
    return privateKey.toFile();
  }

  File trustCertsFile() {
    return trustCerts.toFile();
  }
}
