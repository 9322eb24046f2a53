// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.testkit;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A PKCS12 keystore with a self-signed EC key for 127.0.0.1 and localhost, made by the JDK's keytool. */
public final class SelfSignedKeystore {

    /** The password of {@link #SelfSignedKeystore(Path)}'s keystore and key. */
    public static final String PASSWORD = "changeit";

    public final Path file;
    public final String password;

    /** Makes {@code file} with {@link #PASSWORD}. */
    public SelfSignedKeystore(Path file) throws Exception {
        this(file, PASSWORD);
    }

    /** Makes {@code file}, keystore and key protected by {@code password}; fails with keytool's output. */
    public SelfSignedKeystore(Path file, String password) throws Exception {
        this.file = file;
        this.password = password;
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "erlmcp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS)) {
            keytool.destroyForcibly();
            throw new AssertionError("keytool did not finish within 60 s: " + output);
        }
        if (keytool.exitValue() != 0) {
            throw new AssertionError("keytool exited " + keytool.exitValue() + ": " + output);
        }
    }

    /** @return a client context that trusts exactly this key */
    public SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
