// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS listener: a real Jetty with a keystore made by the JDK's keytool, real TLS clients. */
class HttpsListenerTest {

    private static final String PASSWORD = "erlmcp-test";

    @TempDir
    static Path dir;
    static Path keystore;
    static SSLContext trusting;
    private HttpServer server;

    @BeforeAll
    static void keystore() throws Exception {
        keystore = dir.resolve("erlmcp.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "erlmcp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, factory.getTrustManagers(), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    @Test
    void withoutAKeystoreThereIsNoHttpsListener() throws Exception {
        server = new HttpServer(HttpServerTest.config(0), 0);
        assertThat(server.tlsPort()).isEqualTo(-1);
    }

    @Test
    void healthAnswersOverTls13OnTheSecondPortBesidePlainHttp() throws Exception {
        server = new HttpServer(HttpServerTest.config(0, keystore.toString(), PASSWORD), 0);
        assertThat(server.tlsPort()).isPositive().isNotEqualTo(server.port());
        // No health service is bound here: /health says 503 with the same body on both listeners.
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(503);
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        for (String host : List.of("localhost", "127.0.0.1")) {
            HttpResponse<String> https = client.send(HttpRequest.newBuilder(
                    URI.create("https://" + host + ":" + server.tlsPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(https.statusCode()).as(host).isEqualTo(503);
            assertThat(https.body()).isEqualTo(plain.body());
            assertThat(https.sslSession()).get().extracting(s -> s.getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void tls12IsRefused() throws Exception {
        server = new HttpServer(HttpServerTest.config(0, keystore.toString(), PASSWORD), 0);
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", server.tlsPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5_000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aMissingKeystoreIsAPlainErrorNamingThePath() {
        Path missing = dir.resolve("nope.p12");
        assertThatThrownBy(() -> new HttpServer(HttpServerTest.config(0, missing.toString(), PASSWORD), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("tls.keystore");
    }

    @Test
    void aWrongPasswordFailsTheStartAndLeavesNothingListening() {
        assertThatThrownBy(() -> new HttpServer(HttpServerTest.config(0, keystore.toString(), "wrong"), 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("HTTPS");
    }
}
