// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Streamable HTTP endpoint on a real Jetty server (127.0.0.1, port 0) against {@link TestEndpoint}, driven
 * by java.net.http.HttpClient.
 */
class StreamableHttpHandlerTest {

    private static final String BOTH = "application/json, text/event-stream";
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TestEndpoint endpoint = new TestEndpoint();
    private Server server;
    private URI uri;

    private void start(Settings settings) throws Exception {
        start(settings, 30_000);
    }

    private void start(Settings settings, long idleTimeout) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeout);
        server.addConnector(connector);
        server.setHandler(new StreamableHttpHandler(endpoint, settings));
        server.start();
        uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        endpoint.close();
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private HttpRequest.Builder request(Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return b;
    }

    private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        Map<String, String> h = new java.util.HashMap<>(Map.of("Accept", BOTH, "Content-Type", "application/json"));
        h.putAll(headers);
        h.values().removeIf(v -> v == null || v.isEmpty());
        return http.send(request(h).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String session, String body) throws Exception {
        return post(body, Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25"));
    }

    private String initialize() throws Exception {
        HttpResponse<String> r = post(INIT, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(session, INITIALIZED).statusCode()).isEqualTo(202);
        return session;
    }

    private static String call(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private JsonNode json(String body) throws Exception {
        return mapper.readTree(body);
    }

    /** @return the data of each SSE event in the body, in order */
    private static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
            if (data != null) {
                events.add(data.toString());
            }
        }
        return events;
    }

    private void assertError(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = json(r.body());
        assertThat(body.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.get("id").isNull()).isTrue();
        assertThat(body.at("/error/code").isInt()).isTrue();
        assertThat(body.at("/error/message").asText()).containsIgnoringCase(messagePart);
    }

    // --- POST ------------------------------------------------------------------------------------------------

    @Test
    void initializeOpensASessionAndAnswersPlainJson() throws Exception {
        start(Settings.defaults());
        HttpResponse<String> r = post(INIT, Map.of());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(session).matches("[\\x21-\\x7e]{32,}");
        assertThat(json(r.body()).at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(endpoint.sessions).containsKey(session);
        assertThat(endpoint.opened.get(0).transport()).isEqualTo("http");
        assertThat(endpoint.opened.get(0).remote()).startsWith("127.0.0.1:");
    }

    @Test
    void notificationsAndResponsesGet202WithoutBody() throws Exception {
        start(Settings.defaults());
        String session = initialize();

        HttpResponse<String> r = post(session, "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{}}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEmpty();
        assertThat(endpoint.sessions.get(session).notifications).containsExactly("notifications/initialized");
    }

    @Test
    void aRequestWhoseFirstMessageIsItsResponseGetsPlainJson() throws Exception {
        start(Settings.defaults());
        String session = initialize();

        HttpResponse<String> r = post(session, call(7, "echo", "{\"text\":\"hi\"}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode body = json(r.body());
        assertThat(body.get("id").asInt()).isEqualTo(7);
        assertThat(body.at("/result/text").asText()).isEqualTo("hi");
    }

    @Test
    void aRequestThatEmitsProgressFirstIsStreamedAsSse() throws Exception {
        start(Settings.defaults());
        String session = initialize();

        HttpResponse<String> r = post(session, call(8, "slow", "{\"delayMs\":200}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = events(r.body());
        assertThat(events).hasSize(2);
        assertThat(json(events.get(0)).get("method").asText()).isEqualTo("notifications/progress");
        assertThat(json(events.get(1)).get("id").asInt()).isEqualTo(8);
        assertThat(json(events.get(1)).at("/result/done").asBoolean()).isTrue();
    }

    @Test
    void aBatchIsAlwaysStreamedAndABatchOfNotificationsGets202() throws Exception {
        start(Settings.defaults());
        String session = initialize();

        HttpResponse<String> r = post(session, "[" + call(1, "ping", "{}") + "," + call(2, "echo", "{\"a\":1}")
                + "," + INITIALIZED + "]");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = events(r.body());
        assertThat(events).hasSize(2);
        assertThat(json(events.get(0)).get("id").asInt()).isEqualTo(1);
        assertThat(json(events.get(1)).at("/result/a").asInt()).isEqualTo(1);

        assertThat(post(session, "[" + INITIALIZED + "," + INITIALIZED + "]").statusCode()).isEqualTo(202);
    }

    @Test
    void anInitializeInABatchIsRefused() throws Exception {
        start(Settings.defaults());
        assertError(post("[" + INIT + "]", Map.of()), 400, "batch");
        assertThat(endpoint.sessions).isEmpty();
    }

    @Test
    void aParseErrorIsTheEnginesErrorWith400() throws Exception {
        start(Settings.defaults());
        HttpResponse<String> r = post("{not json", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/code").asInt()).isEqualTo(-32700);

        String session = initialize();
        assertThat(json(post(session, "[]").body()).at("/error/code").asInt()).isEqualTo(-32600);
    }

    @Test
    void aRequestWithoutSessionIdIs400() throws Exception {
        start(Settings.defaults());
        assertError(post(call(1, "ping", "{}"), Map.of()), 400, "Mcp-Session-Id");
    }

    @Test
    void anUnknownSessionIs404() throws Exception {
        start(Settings.defaults());
        HttpResponse<String> r = post("nope", call(1, "ping", "{}"));
        assertError(r, 404, "Session not found");
        assertThat(json(r.body()).at("/error/code").asInt()).isEqualTo(-32001);
    }

    @Test
    void acceptMustAdmitJsonAndEventStream() throws Exception {
        start(Settings.defaults());
        assertError(post(INIT, Map.of("Accept", "application/json")), 406, "Not Acceptable");
        assertError(post(INIT, Map.of("Accept", "text/event-stream")), 406, "Not Acceptable");
        assertError(post(INIT, Map.of("Accept", "application/json, text/event-stream;q=0")), 406, "Not Acceptable");
        assertThat(post(INIT, Map.of("Accept", "*/*")).statusCode()).isEqualTo(200);
        assertThat(post(INIT, Map.of("Accept", "application/*, text/*")).statusCode()).isEqualTo(200);
    }

    @Test
    void strictAcceptRefusesWildcards() throws Exception {
        start(Settings.defaults().withStrictAccept(true));
        assertError(post(INIT, Map.of("Accept", "*/*")), 406, "Not Acceptable");
        assertThat(post(INIT, Map.of("Accept", "text/event-stream, application/json")).statusCode()).isEqualTo(200);
    }

    @Test
    void contentTypeMustBeJson() throws Exception {
        start(Settings.defaults());
        assertError(post(INIT, Map.of("Content-Type", "text/plain")), 415, "Content-Type");
        assertThat(post(INIT, Map.of("Content-Type", "application/json; charset=utf-8")).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutContentLength() throws Exception {
        start(Settings.defaults().withMaxBodyBytes(1024));
        String session = initialize();
        String big = call(1, "echo", "{\"text\":\"" + "x".repeat(2000) + "\"}");

        assertError(post(session, big), 413, "Too Large");

        HttpRequest chunked = request(Map.of("Accept", BOTH, "Content-Type", "application/json",
                "Mcp-Session-Id", session)).POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes()))).build();
        HttpResponse<String> r = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertError(r, 413, "Too Large");

        assertThat(post(session, call(2, "echo", "{\"text\":\"" + "x".repeat(900) + "\"}")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIs400() throws Exception {
        start(Settings.defaults());
        String session = initialize();
        assertError(post(call(1, "ping", "{}"), Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version",
                "1999-01-01")), 400, "MCP-Protocol-Version");
        assertThat(post(call(2, "ping", "{}"), Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version",
                "2025-06-18")).statusCode()).isEqualTo(200);
        // Absent: assumed 2025-03-26, accepted.
        assertThat(post(call(3, "ping", "{}"), Map.of("Mcp-Session-Id", session)).statusCode()).isEqualTo(200);
    }

    @Test
    void aLongRequestOutlivesTheIdleTimeout() throws Exception {
        start(Settings.defaults(), 500);
        String session = initialize();
        // A fresh connection: a pooled one may be closed by the idle timeout just as it is reused.
        HttpResponse<String> r = HttpClient.newHttpClient().send(request(Map.of("Accept", BOTH, "Content-Type",
                "application/json", "Mcp-Session-Id", session)).POST(HttpRequest.BodyPublishers.ofString(
                        call(9, "sleep", "{\"delayMs\":1500}"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).at("/result/done").asBoolean()).isTrue();
    }

    // --- Host and Origin -------------------------------------------------------------------------------------

    @Test
    void aForeignOriginIs403AndLocalOriginsOrNoneAreFine() throws Exception {
        start(Settings.defaults());
        assertError(post(INIT, Map.of("Origin", "http://evil.example")), 403, "Origin");
        assertError(post(INIT, Map.of("Origin", "null")), 403, "Origin");
        assertThat(post(INIT, Map.of("Origin", "http://localhost:6274")).statusCode()).isEqualTo(200);
        assertThat(post(INIT, Map.of("Origin", "http://127.0.0.1")).statusCode()).isEqualTo(200);
        assertThat(post(INIT, Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> get = http.send(request(Map.of("Accept", "text/event-stream", "Origin",
                "https://evil.example")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(403);
    }

    @Test
    void aHostOutsideTheAllowListIs403() throws Exception {
        start(Settings.defaults().withPolicy(new OriginPolicy(List.of("localhost"), List.of("*"))));
        assertError(post(INIT, Map.of()), 403, "Host");
    }

    // --- GET -------------------------------------------------------------------------------------------------

    private record Stream(HttpResponse<java.util.stream.Stream<String>> response, BlockingQueue<String> lines) {
        String next() throws InterruptedException {
            String line = lines.poll(5, TimeUnit.SECONDS);
            assertThat(line).as("an SSE line within 5 s").isNotNull();
            return line;
        }
    }

    private static final String EOF = "\u0000EOF";

    private Stream openGet(String session) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = http.send(request(Map.of("Accept", "text/event-stream",
                "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25")).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        if (r.statusCode() == 200) {
            CompletableFuture.runAsync(() -> {
                try (java.util.stream.Stream<String> s = r.body()) {
                    s.forEach(lines::add);
                } catch (RuntimeException e) {
                    // the stream was cut; EOF below tells the test
                }
                lines.add(EOF);
            });
        }
        return new Stream(r, lines);
    }

    @Test
    void theGetStreamCarriesServerMessagesAndASecondGetIs409() throws Exception {
        start(Settings.defaults());
        String session = initialize();
        Stream get = openGet(session);
        assertThat(get.response().statusCode()).isEqualTo(200);
        assertThat(get.response().headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");

        HttpResponse<String> second = http.send(request(Map.of("Accept", "text/event-stream", "Mcp-Session-Id",
                session)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(second, 409, "Conflict");

        HttpResponse<String> r = post(session, call(3, "notify", "{\"text\":\"hello\"}"));
        assertThat(json(r.body()).at("/result/sent").asBoolean()).isTrue();
        String line;
        do {
            line = get.next();
        } while (!line.startsWith("data:"));
        JsonNode note = json(line.substring(5).trim());
        assertThat(note.get("method").asText()).isEqualTo("notifications/message");
        assertThat(note.at("/params/data").asText()).isEqualTo("hello");
    }

    @Test
    void getNeedsEventStreamASessionAndAKnownSession() throws Exception {
        start(Settings.defaults());
        String session = initialize();
        assertError(http.send(request(Map.of("Accept", "application/json", "Mcp-Session-Id", session)).GET()
                .build(), HttpResponse.BodyHandlers.ofString()), 406, "text/event-stream");
        assertError(http.send(request(Map.of("Accept", "text/event-stream")).GET().build(),
                HttpResponse.BodyHandlers.ofString()), 400, "Mcp-Session-Id");
        assertError(http.send(request(Map.of("Accept", "text/event-stream", "Mcp-Session-Id", "nope")).GET()
                .build(), HttpResponse.BodyHandlers.ofString()), 404, "Session not found");
    }

    @Test
    void theGetStreamSendsKeepAlivesAndIsDetachedWhenTheClientLeaves() throws Exception {
        start(Settings.defaults().withKeepAliveMillis(100));
        String session = initialize();
        Stream get = openGet(session);
        String line;
        do {
            line = get.next();
        } while (!line.startsWith(":"));
        assertThat(line).isEqualTo(": keepalive");
        TestEndpoint.TestSession s = endpoint.sessions.get(session);
        assertThat(s.standalone()).isNotNull();

        get.response().body().close(); // the client goes away
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (s.standalone() != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(s.standalone()).as("detached after the client left").isNull();
        // A new GET is allowed once the old one is gone.
        assertThat(openGet(session).response().statusCode()).isEqualTo(200);
    }

    // --- DELETE and other methods ----------------------------------------------------------------------------

    @Test
    void deleteEndsTheSessionAndItsStreamThenEverythingIs404() throws Exception {
        start(Settings.defaults());
        String session = initialize();
        Stream get = openGet(session);

        HttpResponse<String> del = http.send(request(Map.of("Mcp-Session-Id", session)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(del.statusCode()).isEqualTo(200);
        String line;
        do {
            line = get.next();
        } while (!line.equals(EOF));

        assertError(post(session, call(1, "ping", "{}")), 404, "Session not found");
        assertThat(openGet(session).response().statusCode()).isEqualTo(404);
        assertThat(http.send(request(Map.of("Mcp-Session-Id", session)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void otherMethodsAre405AndOtherPathsAreNotOurs() throws Exception {
        start(Settings.defaults());
        HttpResponse<String> put = http.send(request(Map.of()).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertError(put, 405, "Method not allowed");
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST, DELETE, OPTIONS");

        HttpResponse<String> other = http.send(HttpRequest.newBuilder(uri.resolve("/mcp/ws")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void concurrentRequestsOnOneSessionEachGetTheirOwnAnswer() throws Exception {
        start(Settings.defaults());
        String session = initialize();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String method = i % 2 == 0 ? "echo" : "slow";
            calls.add(http.sendAsync(request(Map.of("Accept", BOTH, "Content-Type", "application/json",
                    "Mcp-Session-Id", session)).POST(HttpRequest.BodyPublishers.ofString(call(100 + i, method,
                            "{\"n\":" + i + ",\"delayMs\":50}"))).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < calls.size(); i++) {
            HttpResponse<String> r = calls.get(i).get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> bodies = r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream")
                    ? events(r.body()) : List.of(r.body());
            JsonNode last = json(bodies.get(bodies.size() - 1));
            assertThat(last.get("id").asInt()).isEqualTo(100 + i);
        }
    }

    @Test
    void aClientThatStopsReadingLosesItsStreamAndNeverBlocksTheSender() throws Exception {
        start(Settings.defaults().withQueue(8, 64L * 1024 * 1024).withKeepAliveMillis(0));
        String session = initialize();
        int port = uri.getPort();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setReceiveBufferSize(4096);
            socket.getOutputStream().write(("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: "
                    + "text/event-stream\r\nMcp-Session-Id: " + session + "\r\n\r\n").getBytes());
            socket.getOutputStream().flush();
            TestEndpoint.TestSession s = endpoint.sessions.get(session);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (s.standalone() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            io.erlmcp.transport.MessageChannel channel = s.standalone();
            assertThat(channel).isNotNull();
            byte[] big = ("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\""
                    + "x".repeat(1024 * 1024) + "\"}}").getBytes();
            long start = System.nanoTime();
            int sent = 0;
            while (channel.isOpen() && sent < 500) {
                long t = System.nanoTime();
                channel.send(big, io.erlmcp.transport.MessageKind.NOTIFICATION);
                assertThat(System.nanoTime() - t).as("send() returns at once").isLessThan(
                        TimeUnit.MILLISECONDS.toNanos(500));
                sent++;
            }
            assertThat(channel.isOpen()).as("the stream ended after %d MiB", sent).isFalse();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (s.standalone() != null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(s.standalone()).as("detached").isNull();
        }
    }

    @Test
    void allowedBrowserOriginsGetCorsHeadersAndPreflightAnswers() throws Exception {
        start(Settings.defaults());
        HttpResponse<String> preflight = http.send(request(Map.of("Origin", "http://localhost:6274",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, "
                        + "mcp-session-id")).method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:6274");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .contains("Mcp-Session-Id", "Content-Type");

        HttpResponse<String> r = post(INIT, Map.of("Origin", "http://localhost:6274"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:6274");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("Mcp-Session-Id");

        HttpResponse<String> evil = http.send(request(Map.of("Origin", "http://evil.example",
                "Access-Control-Request-Method", "POST")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(post(INIT, Map.of()).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void aRequestLeftUnansweredGetsAnEmptyStreamAndAFailedOneGets500() throws Exception {
        start(Settings.defaults());
        String session = initialize();
        HttpResponse<String> dropped = post(session, call(1, "drop", "{}"));
        assertThat(dropped.statusCode()).isEqualTo(200);
        assertThat(dropped.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        assertThat(events(dropped.body())).isEmpty();

        HttpResponse<String> failed = post(session, call(2, "fail", "{}"));
        assertError(failed, 500, "Internal error");
        assertThat(post(session, call(3, "ping", "{}")).statusCode()).as("the session goes on").isEqualTo(200);
    }
}
