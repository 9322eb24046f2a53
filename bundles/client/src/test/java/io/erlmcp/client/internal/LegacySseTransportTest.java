// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/** The legacy HTTP+SSE transport against a JDK HTTP server that speaks MCP 2024-11-05's GET /sse + POST. */
class LegacySseTransportTest {

    private static final String END = "<end>";

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Map<String, BlockingQueue<String>> streams = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final List<String> streamEnds = new CopyOnWriteArrayList<>();
    /** What the endpoint event names for a session: a URI relative to the SSE URL unless a test says otherwise. */
    private Function<String, String> endpointFor = id -> "messages?sessionId=" + id;
    private int sseStatus = 200;
    private LoopbackHttpServer server;
    private McpClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private URI serve() throws IOException {
        server = new LoopbackHttpServer(Map.of("/base/sse", this::stream, "/base/messages", this::post, "/messages",
                this::post));
        return server.uri("/base/sse");
    }

    private void stream(HttpExchange ex) throws IOException {
        String id = "s" + sessions.incrementAndGet();
        seen.add("GET " + id + " accept=" + ex.getRequestHeaders().getFirst("Accept") + " auth="
                + ex.getRequestHeaders().getFirst("Authorization"));
        if (sseStatus != 200) {
            byte[] body = "no stream here".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(sseStatus, body.length);
            ex.getResponseBody().write(body);
            ex.close();
            return;
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        streams.put(id, queue);
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            write(out, ": hello\n\nevent: endpoint\ndata: " + endpointFor.apply(id) + "\n\n");
            while (true) {
                String next = queue.poll(50, TimeUnit.MILLISECONDS);
                if (next == null) {
                    write(out, ": keep-alive\n\n");
                } else if (END.equals(next)) {
                    streamEnds.add(id + " ended by the server");
                    return;
                } else {
                    // A message split over two data lines, as the SSE format allows.
                    int comma = next.indexOf(',');
                    write(out, "event: message\ndata: " + next.substring(0, comma + 1) + "\ndata: "
                            + next.substring(comma + 1) + "\n\n");
                }
            }
        } catch (IOException e) {
            streamEnds.add(id + " closed by the client");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.remove(id);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void post(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getQuery();
        String id = query == null ? "" : query.replace("sessionId=", "");
        JsonNode message = JsonRpcPeer.JSON.readTree(ex.getRequestBody());
        seen.add("POST " + id + " " + message.path("method").asText("answer") + " type="
                + ex.getRequestHeaders().getFirst("Content-Type") + " auth="
                + ex.getRequestHeaders().getFirst("Authorization"));
        BlockingQueue<String> queue = streams.get(id);
        if (queue == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        String tool = message.at("/params/name").asText();
        if ("refuse".equals(tool)) {
            byte[] body = "boom".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(202, -1);
        ex.close();
        if ("never".equals(tool)) {
            queue.add(END);
        } else {
            queue.addAll(ScriptedMcp.answer(message));
        }
    }

    @Test
    void postsWhereTheEndpointEventSays() throws Exception {
        URI sse = serve();
        endpointFor = id -> "/messages?sessionId=" + id;
        ClientTransport transport = ClientTransport.legacySse(sse);
        client = McpClient.builder(transport).build();
        client.initialize();
        assertThat(((LegacySseTransport) transport).messagesEndpoint()).isEqualTo(server.uri(
                "/messages?sessionId=s1"));
        client.ping();
        assertThat(seen).hasSize(4).last().asString().startsWith("POST s1 ping");
    }

    @Test
    void aRelativeEndpointIsResolvedAgainstTheSseUrl() throws Exception {
        URI sse = serve(); // the endpoint event names messages?sessionId=s1
        List<String> progress = new CopyOnWriteArrayList<>();
        client = McpClient.builder(ClientTransport.legacySse(sse, Map.of("Authorization", "Bearer t0k")))
                .notificationListener((m, p) -> progress.add(m)).build();
        client.initialize();
        JsonNode result = client.callTool("echo", "{\"message\":\"over sse, with a comma\"}");
        assertThat(result.at("/content/0/text").asText()).isEqualTo("over sse, with a comma");
        assertThat(progress).containsExactly("notifications/progress");
        assertThat(seen).containsExactly("GET s1 accept=text/event-stream auth=Bearer t0k",
                "POST s1 initialize type=application/json auth=Bearer t0k",
                "POST s1 notifications/initialized type=application/json auth=Bearer t0k",
                "POST s1 tools/call type=application/json auth=Bearer t0k");
    }

    @Test
    void aRefusedPostFailsItsRequest() throws Exception {
        URI sse = serve();
        client = McpClient.builder(ClientTransport.legacySse(sse)).build();
        client.initialize();
        assertThatThrownBy(() -> client.callTool("refuse", "{}")).isInstanceOf(McpException.class)
                .hasMessageContaining("HTTP 500").hasMessageContaining("boom");
        client.ping(); // the session is still there
    }

    @Test
    void theEndOfTheStreamFailsWaitingRequestsAtOnce() throws Exception {
        URI sse = serve();
        client = McpClient.builder(ClientTransport.legacySse(sse)).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        assertThat(ConnectionLoss.failureOfNever(client)).isInstanceOf(McpException.class)
                .hasMessage("connection lost: the server ended the SSE stream");
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class)
                .hasMessage("connection lost: the server ended the SSE stream");
    }

    @Test
    void closeEndsTheStream() throws Exception {
        URI sse = serve();
        client = McpClient.builder(ClientTransport.legacySse(sse)).build();
        client.initialize();
        client.close();
        for (int i = 0; i < 500 && streamEnds.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(streamEnds).containsExactly("s1 closed by the client");
    }

    @Test
    void anEndpointOfAnotherOriginOrABadStreamIsRefused() throws Exception {
        URI sse = serve();
        endpointFor = id -> "http://127.0.0.2:1/messages?sessionId=" + id;
        client = McpClient.builder(ClientTransport.legacySse(sse)).build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class)
                .hasMessageContaining("the endpoint event names another origin");
        client.close();
        sseStatus = 404;
        client = McpClient.builder(ClientTransport.legacySse(sse)).build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class).hasMessageContaining("HTTP 404")
                .hasMessageContaining("no stream here");
    }

    @Test
    void reconnectsWithANewStreamAndSession() throws Exception {
        URI sse = serve();
        List<String> states = new CopyOnWriteArrayList<>();
        client = ConnectionLoss.reconnecting(ClientTransport.legacySse(sse), states);
        ConnectionLoss.loseAndReconnect(client, states);
        assertThat(seen).filteredOn(s -> s.contains(" s2")).extracting(s -> s.split(" ")[0] + " "
                + s.split(" ")[2]).containsExactly("GET accept=text/event-stream", "POST initialize",
                        "POST notifications/initialized", "POST ping");
    }
}
