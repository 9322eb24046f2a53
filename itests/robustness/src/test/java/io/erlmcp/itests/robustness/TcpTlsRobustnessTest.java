// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bad input on the TLS 1.3 TCP listener ({@code etc/io.erlmcp.mcp.tcp-tls.cfg}, a keytool keystore): what is
 * not TLS, a handshake that never comes or is cut off, and bad lines inside a good TLS session.
 */
class TcpTlsRobustnessTest extends NetworkRobustnessTest {

    private static Node node;
    private static SSLContext trusting;
    private static Baseline baseline;

    @BeforeAll
    static void warmUp() throws Exception {
        node = SharedNode.node();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(node.keystore())) {
            trust.load(in, Node.TLS_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting = SSLContext.getInstance("TLSv1.3");
        trusting.init(null, tmf.getTrustManagers(), null);
        for (int c = 0; c < 3; c++) {
            try (Socket s = tls()) {
                Lines lines = lines(s);
                lines.handshake();
                for (int i = 0; i < 10; i++) {
                    lines.send(Mcp.echo(10 + i, "warm-up " + i));
                    lines.response(10 + i, 10_000);
                }
            }
        }
        baseline = Baseline.of(node, "tcp+tls", 0);
    }

    @Override
    Baseline baseline() {
        return baseline;
    }

    @Override
    void assertFreshClientServed() throws Exception {
        try (Socket s = tls()) {
            Lines lines = lines(s);
            lines.handshake();
            lines.send(Mcp.echo(2, "fresh client"));
            assertThat(Mcp.text(lines.response(2, 5_000))).isEqualTo("fresh client");
        }
    }

    @Test
    void bytesThatAreNotTlsEndTheConnection() throws Exception {
        Socket s = plain();
        s.getOutputStream().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
        Lines lines = new Lines(s.getInputStream(), s.getOutputStream());
        lines.awaitEof(10_000); // a TLS alert at most, then the end
    }

    @Test
    void aHandshakeThatNeverComesEndsByTheIdleTimeout() throws Exception {
        Socket s = plain();
        Lines lines = new Lines(s.getInputStream(), s.getOutputStream());
        lines.awaitEof(10_000); // idle_timeout_seconds = 2
    }

    @Test
    void aHandshakeCutOffEndsTheConnection() throws Exception {
        Socket s = plain();
        // The first bytes of a TLS record header announcing a ClientHello, then nothing more but a reset.
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
        s.getOutputStream().flush();
        Thread.sleep(200);
        Loopback.reset(s);
    }

    @Test
    void garbageAndAHundredMegabyteLineInsideTlsGetErrors() throws Exception {
        Socket s = closeAfter(tls());
        Lines lines = lines(s);
        lines.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, '\n'});
        JsonNode error = lines.await(m -> true, 5_000, "an error line");
        assertThat(Mcp.isError(error, -32700)).as("parse error with id null: %s", error).isTrue();
        lines.startReading();
        Lines.LongLine streamed = lines.sendLongLine(100L << 20);
        long sent = streamed.sent();
        String line = streamed.answer();
        Baseline.record("tcp+tls 100 MB line: error after " + sent / 1024 + " KiB sent");
        assertThat(line).isNotNull().isNotEqualTo(Lines.EOF);
        assertThat(Mcp.isError(Mcp.parse(line), -32600)).as(line).isTrue();
        assertThat(sent).isLessThan(16L << 20);
        lines.sendRaw(new byte[] {'\n'});
        lines.handshake();
        lines.send(Mcp.echo(2, "after the long line"));
        assertThat(Mcp.text(lines.response(2, 5_000))).isEqualTo("after the long line");
    }

    @Test
    void aClientThatVanishesWhileAToolWaitsForIt() throws Exception {
        Socket s = closeAfter(tls());
        Lines lines = lines(s);
        lines.handshake();
        lines.send(Mcp.elicitation(2));
        lines.await(m -> "elicitation/create".equals(m.path("method").asText()), 5_000, "elicitation/create");
        Loopback.reset(s); // SO_LINGER 0 on the TLS socket: the reset goes out without a close_notify
    }

    private Socket plain() throws IOException {
        return closeAfter(Loopback.connect(node.tlsPort, 0));
    }

    private static Socket tls() throws IOException {
        SSLSocket s = Loopback.connect((SSLSocket) trusting.getSocketFactory().createSocket(), node.tlsPort, 0);
        s.startHandshake();
        return s;
    }

    private static Lines lines(Socket s) throws IOException {
        return new Lines(s.getInputStream(), s.getOutputStream());
    }
}
