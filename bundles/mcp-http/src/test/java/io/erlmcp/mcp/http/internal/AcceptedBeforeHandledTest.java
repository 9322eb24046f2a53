// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.erlmcp.node.internal.InMemoryEventStore;
import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.transport.testkit.LocalJetty;
import io.erlmcp.transport.testkit.TestEndpoint;

/**
 * A POST that carries only the client's answer to a server request is answered 202 before the session handles
 * it. Handling it can run on the POST's thread whatever the answer unblocks (the engine completes the waiting tool
 * there, which may write the tool's result elsewhere), and the client must not wait for that; mcp-sse does the same.
 */
class AcceptedBeforeHandledTest {

    private final TestEndpoint inner = new TestEndpoint();
    private final CountDownLatch handling = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private McpHttpHandler handler;
    private LocalJetty server;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        McpServerEndpoint endpoint = new McpServerEndpoint() {
            @Override
            public Inbound parse(byte[] frame) {
                return inner.parse(frame);
            }

            @Override
            public ServerSession open(TransportInfo transport, MessageChannel standalone) {
                return new SlowOnAnswers(inner.open(transport, standalone));
            }

            @Override
            public Optional<ServerSession> find(String sessionId) {
                return inner.find(sessionId).map(SlowOnAnswers::new);
            }
        };
        handler = new McpHttpHandler(endpoint, Settings.DEFAULTS,
                new InMemoryEventStore(1_000, 8L << 20, Duration.ofMinutes(5), Duration.ofHours(1)));
        server = new LocalJetty(handler);
        uri = server.uri("http", "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        server.stop();
        handler.deactivate();
        inner.shutdown();
    }

    @Test
    void anAnswerToAServerRequestIsAcceptedBeforeItIsHandled() throws Exception {
        HttpResponse<String> init = http.send(post(TestEndpoint.initializeRequest("2025-11-25"), null),
                HttpResponse.BodyHandlers.ofString());
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(
                post("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{\"action\":\"accept\"}}", session),
                HttpResponse.BodyHandlers.ofString());
        assertThat(handling.await(5, TimeUnit.SECONDS)).as("the session got the answer").isTrue();
        // The session is still handling the answer (it waits for release): the 202 must not wait for it.
        assertThat(answer.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(release.getCount()).isEqualTo(1);
    }

    private HttpRequest post(String body, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    /** A session that, given the client's answer to a server request, takes until {@link #release} to handle it. */
    private final class SlowOnAnswers implements ServerSession {
        private final ServerSession session;

        SlowOnAnswers(ServerSession session) {
            this.session = session;
        }

        @Override
        public CompletionStage<Void> receive(Inbound frame, MessageChannel related) {
            if (frame instanceof TestEndpoint.Parsed parsed
                    && parsed.messages().stream().anyMatch(m -> m.has("result"))) {
                handling.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return session.receive(frame, related);
        }

        @Override
        public String id() {
            return session.id();
        }

        @Override
        public String protocolVersion() {
            return session.protocolVersion();
        }

        @Override
        public boolean initialized() {
            return session.initialized();
        }

        @Override
        public MessageChannel attachStandalone(MessageChannel standalone) {
            return session.attachStandalone(standalone);
        }

        @Override
        public void detachStandalone(MessageChannel standalone) {
            session.detachStandalone(standalone);
        }

        @Override
        public void close() {
            session.close();
        }

        @Override
        public boolean isClosed() {
            return session.isClosed();
        }
    }
}
