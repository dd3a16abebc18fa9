package dev.raftboot.spring.autoconfigure;

import java.nio.file.Path;

/** TLS for peer traffic, from PEM files. */
public class RaftTlsProperties {
  /** Whether peer traffic uses TLS. */
  private boolean enabled = false;

  /** PEM certificate chain of this node, leaf first. */
  private Path certificate;

  /** PEM private key of the leaf certificate (unencrypted PKCS#8). */
  private Path privateKey;

  /** PEM CA certificates that peers' certificates must chain to. */
  private Path trustCertificates;

  /** Whether peers must present a trusted client certificate (mutual TLS). */
  private boolean mutual = true;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Path getCertificate() {
    return certificate;
  }

  public void setCertificate(Path certificate) {
    this.certificate = certificate;
  }

  public Path getPrivateKey() {
    return privateKey;
  }

  public void setPrivateKey(Path privateKey) {
    this.privateKey = privateKey;
  }

  public Path getTrustCertificates() {
    return trustCertificates;
  }

  public void setTrustCertificates(Path trustCertificates) {
    this.trustCertificates = trustCertificates;
  }

  public boolean isMutual() {
    return mutual;
  }

  public void setMutual(boolean mutual) {
    this.mutual = mutual;
  }
}
