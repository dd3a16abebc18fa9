package dev.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Throwaway certificate authorities and node certificates made at test time with the JDK's keytool
 * (no key is ever committed). Node certificates name 127.0.0.1 and localhost and are good for both
 * server and client authentication.
 */
public final class TestCerts {
  private static final String PASS = "changeit";
  private final Path dir;

  public TestCerts(Path dir) {
    this.dir = dir;
  }

  /** A CA: returns the PEM file of its certificate. */
  public Path ca(String name) {
    Path store = dir.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS);
    Path pem = dir.resolve(name + ".pem");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-file",
        pem.toString());
    return pem;
  }

  /** A node certificate signed by CA {@code caName}, as a TLS config trusting {@code trust}. */
  public TlsConfig node(String name, String caName, Path trust, boolean mutual) {
    Path store = dir.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS);
    Path csr = dir.resolve(name + ".csr");
    keytool(
        "-certreq",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-file",
        csr.toString());
    Path cert = dir.resolve(name + ".crt.pem");
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        caName,
        "-keystore",
        dir.resolve(caName + ".p12").toString(),
        "-storepass",
        PASS,
        "-infile",
        csr.toString(),
        "-outfile",
        cert.toString(),
        "-validity",
        "2",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-ext",
        "EKU=serverAuth,clientAuth");
    Path key = dir.resolve(name + ".key.pem");
    writePrivateKey(store, name, key);
    return new TlsConfig(cert, key, trust, mutual);
  }

  private static void writePrivateKey(Path store, String alias, Path out) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASS.toCharArray());
      Key key = ks.getKey(alias, PASS.toCharArray());
      // PKCS#8, the unencrypted form gRPC's TLS reads.
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      Files.writeString(
          out, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + command + "\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
