// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.erlmcp.transport.testkit.SelfSignedKeystore;

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
        SelfSignedKeystore made = new SelfSignedKeystore(dir.resolve("erlmcp.p12"), PASSWORD);
        keystore = made.file;
        trusting = made.trustingContext();
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
