// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A quick check (seconds) that the benchmark's clients work, against the in-process baseline: the closed loops
 * over HTTP, WebSocket and TCP count calls without failures, and the NIO idle clients open and hold sessions.
 * The benchmarks themselves run by hand (docs/performance.md).
 */
@Timeout(60)
class BenchSmokeTest {

    private static BaselineEchoServer baseline;

    @BeforeAll
    static void start() throws Exception {
        baseline = BaselineEchoServer.start(0, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        baseline.close();
    }

    @Test
    void closedLoopsOverEveryTransportCountGoodCalls() throws Exception {
        LoadGenerator http = new LoadGenerator("http://127.0.0.1:" + baseline.httpPort() + "/", false, 2);
        LoadGenerator.Result overHttp;
        try {
            overHttp = http.run("http", 2, 0, 1);
        } finally {
            http.close();
        }
        LoadGenerator.Result overWs = new SocketLoadGenerator("ws://127.0.0.1:" + baseline.httpPort() + "/ws", false)
                .run("ws", 2, 0, 1);
        LoadGenerator.Result overTcp = new SocketLoadGenerator("tcp://127.0.0.1:" + baseline.tcpPort(), false)
                .run("tcp", 2, 0, 1);
        for (LoadGenerator.Result r : new LoadGenerator.Result[] {overHttp, overWs, overTcp}) {
            assertThat(r.calls()).as(r.target()).isGreaterThan(10);
            assertThat(r.failures()).as(r.target()).isZero();
            assertThat(r.p99Millis()).as(r.target()).isGreaterThan(0);
        }
    }

    @Test
    void mcpHandshakeOverWebSocketAndTcp() throws Exception {
        for (String url : new String[] {"ws://127.0.0.1:" + baseline.httpPort() + "/ws",
            "tcp://127.0.0.1:" + baseline.tcpPort()}) {
            try (MessageSocket socket = MessageSocket.open(url, 5_000)) {
                SocketLoadGenerator.initialize(socket);
                socket.send(McpMessages.echoCall(7, "smoke"));
                assertThat(McpMessages.isEcho(socket.receive(), "smoke")).as(url).isTrue();
            }
        }
    }

    @Test
    void idleClientsHoldSessionsFromAChosenSourceAddress() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.2");
        try (IdleClients ws = new IdleClients(IdleClients.Kind.WS, new InetSocketAddress("127.0.0.1",
                baseline.httpPort()), "/ws", source, 50, 16);
                IdleClients tcp = new IdleClients(IdleClients.Kind.TCP, new InetSocketAddress("127.0.0.1",
                        baseline.tcpPort()), "-", source, 50, 16)) {
            ws.open(20_000);
            tcp.open(20_000);
            assertThat(ws.ready()).as(ws.failureSummary()).isEqualTo(50);
            assertThat(tcp.ready()).as(tcp.failureSummary()).isEqualTo(50);
            assertThat(ws.failed() + tcp.failed() + ws.dropped() + tcp.dropped()).isZero();
        }
    }

    @Test
    void framesRoundTripAtEveryLengthEncoding() {
        for (int length : new int[] {0, 125, 126, 65535, 65536, 70000}) {
            byte[] payload = new byte[length];
            Arrays.fill(payload, (byte) 'x');
            byte[] masked = WsFrames.frame(WsFrames.TEXT, payload);
            // Unmask it as a server would, then read it back as a client reads a server frame.
            int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
            byte[] plain = new byte[masked.length - 4];
            System.arraycopy(masked, 0, plain, 0, header);
            plain[1] &= 0x7F;
            for (int i = 0; i < length; i++) {
                plain[header + i] = (byte) (masked[header + 4 + i] ^ masked[header + (i & 3)]);
            }
            ByteBuffer in = ByteBuffer.wrap(plain);
            WsFrames.Frame frame = WsFrames.next(in, 1 << 20);
            assertThat(frame).isNotNull();
            assertThat(frame.fin()).isTrue();
            assertThat(frame.opcode()).isEqualTo(WsFrames.TEXT);
            assertThat(frame.payload()).isEqualTo(payload);
            assertThat(in.hasRemaining()).isFalse();
            assertThat(WsFrames.next(ByteBuffer.wrap(plain, 0, plain.length - 1), 1 << 20)).isNull();
        }
        assertThat(WsFrames.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); // RFC 6455 section 1.3;
        assertThat(new String(WsFrames.handshake("127.0.0.1", 1, "/ws", "k", "mcp"), StandardCharsets.US_ASCII))
                .contains("Sec-WebSocket-Protocol: mcp\r\n").endsWith("\r\n\r\n");
    }
}
