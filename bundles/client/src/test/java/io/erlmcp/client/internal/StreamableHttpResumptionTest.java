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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;
import io.erlmcp.client.SseReconnectPolicy;

/**
 * Resumption, reconnection and cancellation of the Streamable HTTP transport against a scripted JDK HTTP server
 * that closes SSE streams mid-response and answers GET + Last-Event-ID as a test tells it.
 */
class StreamableHttpResumptionTest {

    /** What one test's server does with a tools/call POST. */
    @FunctionalInterface
    private interface OnPost {
        void answer(HttpExchange ex, JsonNode call) throws Exception;
    }

    /** What one test's server does with a GET; {@code lastEventId} is null for one that opens the standalone stream. */
    @FunctionalInterface
    private interface OnGet {
        void answer(HttpExchange ex, String lastEventId) throws Exception;
    }

    private final List<String> gets = new CopyOnWriteArrayList<>();
    private final List<Long> getNanos = new CopyOnWriteArrayList<>();
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final List<String> notified = new CopyOnWriteArrayList<>();
    private LoopbackHttpServer server;
    private McpClient client;
    private OnPost onPost;
    private OnGet onGet;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private McpClient connect(SseReconnectPolicy policy) throws IOException {
        return connect(policy, Duration.ofSeconds(20));
    }

    private McpClient connect(SseReconnectPolicy policy, Duration timeout) throws IOException {
        return connect(McpClient.builder(ClientTransport.streamableHttp(serve(), Map.of(), policy))
                .requestTimeout(timeout));
    }

    private URI serve() throws IOException {
        server = new LoopbackHttpServer(Map.of("/mcp", this::handle));
        return server.uri("/mcp");
    }

    private McpClient connect(McpClient.Builder builder) {
        client = builder
                .notificationListener((method, params) -> notified.add(method + " " + params.path("progress")
                        .asText(params.path("uri").asText())))
                .build();
        client.initialize();
        return client;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            switch (ex.getRequestMethod()) {
                case "GET" -> {
                    String last = ex.getRequestHeaders().getFirst("Last-Event-ID");
                    gets.add(last == null ? "GET" : "GET Last-Event-ID=" + last);
                    getNanos.add(System.nanoTime());
                    onGet.answer(ex, last);
                }
                case "DELETE" -> status(ex, 200);
                default -> {
                    JsonNode message = JsonRpcPeer.JSON.readTree(ex.getRequestBody());
                    posted.add(message);
                    String method = message.path("method").asText();
                    if ("initialize".equals(method)) {
                        ex.getResponseHeaders().add("Mcp-Session-Id", "s-" + sessions.incrementAndGet());
                        json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id")
                                + ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}");
                    } else if (!message.has("id") || !message.has("method")) {
                        status(ex, 202);
                    } else if ("ping".equals(method)) {
                        json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":{}}");
                    } else {
                        onPost.answer(ex, message);
                    }
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            ex.close();
        }
    }

    // ---------------------------------------------------------------- SSE helpers

    private static OutputStream sse(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    private static void event(OutputStream out, String text) throws IOException {
        out.write((text + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String progress(JsonNode call, int progress) {
        return "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":"
                + call.at("/params/_meta/progressToken") + ",\"progress\":" + progress + "}}";
    }

    private static String result(JsonNode call, String text) {
        return "data: {\"jsonrpc\":\"2.0\",\"id\":" + call.get("id") + ",\"result\":{\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + text + "\"}]}}";
    }

    private static String notification(String method) {
        return "data: {\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":{\"uri\":\"x\"}}";
    }

    private static void json(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void status(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }

    private static SseReconnectPolicy fast(int attempts) {
        return new SseReconnectPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(200), attempts);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void resumesAPostStreamTheServerClosedWithLastEventIdAfterItsRetryAndDropsRedeliveredEvents() throws Exception {
        long[] closedAt = new long[1];
        onPost = (ex, call) -> {
            OutputStream out = sse(ex);
            event(out, "id: p1-1\nretry: 300\ndata:"); // priming event: an id, a retry, empty data
            event(out, "id: p1-2\n" + progress(call, 1));
            out.write(("id: p1-3\n" + progress(call, 99)).getBytes(StandardCharsets.UTF_8)); // no blank line
            out.flush();
            closedAt[0] = System.nanoTime(); // closed mid-response: the client must come back for the rest
        };
        onGet = (ex, last) -> {
            if (last == null) {
                status(ex, 405);
                return;
            }
            OutputStream out = sse(ex);
            JsonNode call = posted.get(posted.size() - 1);
            event(out, "id: p1-2\n" + progress(call, 1)); // already delivered: must be dropped
            event(out, "id: p1-3\n" + progress(call, 2)); // the event that was cut off, whole this time
            event(out, "id: p1-4\n" + result(call, "done"));
        };
        connect(fast(3));
        JsonNode result = client.callTool("slow", "{}");

        assertThat(result.at("/content/0/text").asText()).isEqualTo("done");
        assertThat(notified).containsExactly("notifications/progress 1", "notifications/progress 2");
        assertThat(gets).containsExactly("GET", "GET Last-Event-ID=p1-2");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(getNanos.get(1) - closedAt[0]);
        assertThat(waitedMillis).as("the server's retry: 300 is honoured, not the policy's 10 ms")
                .isGreaterThanOrEqualTo(280);
        assertThat(posted).filteredOn(m -> "tools/call".equals(m.path("method").asText()))
                .as("a request is never POSTed twice").hasSize(1);
    }

    @Test
    void keepsResumingWhileTheServerClosesEveryResponseAfterNewEvents() throws Exception {
        AtomicInteger round = new AtomicInteger();
        onPost = (ex, call) -> event(sse(ex), "id: a-1\nretry: 0\ndata:");
        onGet = (ex, last) -> {
            if (last == null) {
                status(ex, 405);
                return;
            }
            JsonNode call = posted.get(posted.size() - 1);
            int n = round.incrementAndGet(); // polling: one event per response, then closed
            event(sse(ex), "id: a-" + (n + 1) + "\n" + (n < 5 ? progress(call, n) : result(call, "polled")));
        };
        connect(fast(2)); // more rounds than attempts: each round brought news, so the count starts again
        assertThat(client.callTool("slow", "{}").at("/content/0/text").asText()).isEqualTo("polled");
        assertThat(notified).containsExactly("notifications/progress 1", "notifications/progress 2",
                "notifications/progress 3", "notifications/progress 4");
        assertThat(gets).containsExactly("GET", "GET Last-Event-ID=a-1", "GET Last-Event-ID=a-2",
                "GET Last-Event-ID=a-3", "GET Last-Event-ID=a-4", "GET Last-Event-ID=a-5");
    }

    @Test
    void givesUpAfterTheBoundOnAttemptsWithBackoff() throws Exception {
        onPost = (ex, call) -> event(sse(ex), "id: b-1\ndata:");
        onGet = (ex, last) -> status(ex, last == null ? 405 : 503);
        connect(new SseReconnectPolicy(Duration.ofMillis(50), 3.0, Duration.ofSeconds(1), 3));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.callTool("slow", "{}")).isInstanceOf(McpException.class)
                .hasMessageContaining("no new event after 3 reconnection attempt(s) with Last-Event-ID b-1");
        assertThat(gets).containsExactly("GET", "GET Last-Event-ID=b-1", "GET Last-Event-ID=b-1",
                "GET Last-Event-ID=b-1");
        // 50 + 150 + 450 ms of backoff at least (no retry from the server, so the policy's initial delay).
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(650);
        long first = getNanos.get(2) - getNanos.get(1);
        long second = getNanos.get(3) - getNanos.get(2);
        assertThat(second).as("the pause grows threefold").isGreaterThan(first + TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void aStreamWithoutEventIdsCannotBeResumedAndFailsAtOnce() throws Exception {
        onPost = (ex, call) -> event(sse(ex), progress(call, 1));
        onGet = (ex, last) -> status(ex, 405);
        connect(fast(3));
        assertThatThrownBy(() -> client.callTool("slow", "{}")).isInstanceOf(McpException.class)
                .hasMessageContaining("without an event id to resume from");
        assertThat(gets).containsExactly("GET");
    }

    @Test
    void reopensTheGetStreamWithLastEventIdAndReportsTheSessionEndedOn404() throws Exception {
        CountDownLatch callWaiting = new CountDownLatch(1);
        onPost = (ex, call) -> {
            OutputStream out = sse(ex);
            event(out, "id: p1-1\ndata:");
            callWaiting.countDown();
            Thread.sleep(10_000); // never answers; the session ends first
        };
        onGet = (ex, last) -> {
            if (gets.size() == 1) {
                OutputStream out = sse(ex);
                event(out, "id: g1-1\nretry: 20\ndata:");
                event(out, "id: g1-2\n" + notification("notifications/resources/updated"));
            } else if (gets.size() == 2) {
                OutputStream out = sse(ex);
                event(out, "id: g1-2\n" + notification("notifications/resources/updated")); // again: dropped
                event(out, "id: g1-3\n" + notification("notifications/resources/list_changed"));
            } else {
                assertThat(callWaiting.await(5, TimeUnit.SECONDS)).isTrue();
                status(ex, 404); // the session is gone
            }
        };
        connect(fast(3));
        CompletableFuture<JsonNode> waiting = client.callToolAsync("slow", null);

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(McpException.class).hasMessageContaining("ended the session (HTTP 404");
        assertThat(gets).containsExactly("GET", "GET Last-Event-ID=g1-2", "GET Last-Event-ID=g1-3");
        assertThat(notified).containsExactly("notifications/resources/updated x",
                "notifications/resources/list_changed x");
    }

    @Test
    void theGetStreamForgetsAnIdTheServerRefusesAndGivesUpAfterTheBoundOnFailures() throws Exception {
        onPost = (ex, call) -> json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + call.get("id") + ",\"result\":{}}");
        onGet = (ex, last) -> {
            if (gets.size() == 1) {
                event(sse(ex), "id: g-1\ndata:");
            } else {
                status(ex, last != null ? 400 : 503); // the id is unknown; then the server is in trouble
            }
        };
        connect(fast(3));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gets.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300); // longer than the policy's longest pause: nothing more comes
        assertThat(gets).containsExactly("GET", "GET Last-Event-ID=g-1", "GET", "GET");
        client.ping(); // requests still work without the GET stream
    }

    @Test
    void a404ToTheFirstGetMeansNoGetStreamNotAnEndedSession() throws Exception {
        CountDownLatch refused = new CountDownLatch(1);
        onPost = (ex, call) -> {
            json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + call.get("id") + ",\"result\":{\"content\":[]}}");
        };
        onGet = (ex, last) -> {
            status(ex, 404); // a server without a GET route
            refused.countDown();
        };
        connect(fast(3));
        assertThat(refused.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(client.callTool("t", "{}").path("content").isArray()).isTrue();
        assertThat(gets).containsExactly("GET");
    }

    @Test
    void cancellingTheFutureSendsNotificationsCancelledAndTheLateAnswerIsDropped() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        onPost = (ex, call) -> {
            OutputStream out = sse(ex);
            event(out, "id: c-1\nretry: 10\ndata:");
            event(out, "id: c-2\n" + progress(call, 1));
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();
            event(out, "id: c-3\n" + result(call, "too late")); // a server that answers anyway
            // ...and the stream ends: a cancelled request is not resumed.
        };
        onGet = (ex, last) -> status(ex, 405);
        connect(fast(3));
        CountDownLatch progressed = new CountDownLatch(1);
        client.addNotificationListener((m, p) -> progressed.countDown());
        CompletableFuture<JsonNode> call = client.callToolAsync("slow", JsonNodeFactory.instance.objectNode());
        assertThat(progressed.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(call.cancel(true)).isTrue();
        JsonNode cancel = posted.stream().filter(m -> "notifications/cancelled".equals(m.path("method").asText()))
                .findFirst().orElseThrow();
        long id = posted.stream().filter(m -> "tools/call".equals(m.path("method").asText())).findFirst()
                .orElseThrow().get("id").asLong();
        assertThat(cancel.at("/params/requestId").asLong()).isEqualTo(id);
        assertThat(cancel.at("/params/reason").asText()).isEqualTo("cancelled by the client");
        cancelled.countDown();

        client.ping(); // the session still answers
        Thread.sleep(200); // time for a (wrong) resumption or a late completion to show
        assertThat(call).isCancelled();
        assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
        assertThat(gets).as("a cancelled request's stream is not resumed").containsExactly("GET");
    }

    @Test
    void theSynchronousTimeoutAlsoCancelsAndStopsResuming() throws Exception {
        onPost = (ex, call) -> event(sse(ex), "id: t-1\nretry: 100\ndata:");
        onGet = (ex, last) -> {
            if (last == null) {
                status(ex, 405);
            } else {
                event(sse(ex), "id: t-" + (gets.size() + 1) + "\ndata:"); // news, but never the answer
            }
        };
        connect(fast(100), Duration.ofMillis(600));
        assertThatThrownBy(() -> client.callTool("slow", "{}")).isInstanceOf(McpException.class)
                .hasMessageContaining("timed out after 600 ms");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (posted.stream().noneMatch(m -> "notifications/cancelled".equals(m.path("method").asText()))
                && System.nanoTime() < deadline) {
            Thread.sleep(10); // the cancel goes out on the timer's thread, maybe after the caller woke up
        }
        assertThat(posted).filteredOn(m -> "notifications/cancelled".equals(m.path("method").asText()))
                .hasSize(1);
        Thread.sleep(150); // a resumption under way when the request timed out lands
        int resumedBeforeCancel = gets.size();
        Thread.sleep(400);
        assertThat(gets).as("no resumption after the cancel").hasSize(resumedBeforeCancel);
        assertThat(resumedBeforeCancel).isBetween(3, 10); // GET + about one resumption per 100 ms retry
    }

    @Test
    void policyDelaysHonourTheServerRetryAndGrowUpToTheCap() {
        SseReconnectPolicy p = new SseReconnectPolicy(Duration.ofMillis(100), 2.0, Duration.ofMillis(500), 4);
        assertThat(p.delay(0, -1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delay(1, -1)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delay(3, -1)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delay(0, 1000)).as("the server's retry, even above the cap").isEqualTo(Duration.ofMillis(1000));
        assertThat(p.delay(2, 1000)).isEqualTo(Duration.ofMillis(1000));
        assertThat(p.delay(0, 0)).isEqualTo(Duration.ZERO);
        assertThat(p.delay(2, 0)).isEqualTo(Duration.ofMillis(400));
        assertThatThrownBy(() -> new SseReconnectPolicy(Duration.ofMillis(1), 0.5, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new SseReconnectPolicy(Duration.ofMillis(1), 2, Duration.ZERO, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }
}
