// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.node.internal.InMemoryEventStore;
import io.erlmcp.transport.testkit.LocalJetty;
import io.erlmcp.transport.testkit.TestEndpoint;

/** The Streamable HTTP endpoint on a real Jetty server, driven by {@link HttpClient}. */
class McpHttpHandlerTest {

    private static final String BOTH = "application/json, text/event-stream";
    private TestEndpoint endpoint;
    private InMemoryEventStore store;
    private McpHttpHandler handler;
    private LocalJetty server;
    private URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        start(Settings.DEFAULTS.withMaxBodyBytes(64 * 1024).withKeepAliveMillis(200));
    }

    private void start(Settings settings) throws Exception {
        endpoint = new TestEndpoint();
        store = new InMemoryEventStore(1_000, 8L << 20, Duration.ofMinutes(5), Duration.ofHours(1));
        handler = new McpHttpHandler(endpoint, settings, store);
        server = new LocalJetty(handler);
        uri = server.uri("http", "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        handler.deactivate();
        endpoint.shutdown();
    }

    // --- helpers ---

    private HttpRequest.Builder post(String body, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", BOTH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String initialize(String version) throws Exception {
        HttpResponse<String> r = send(post(TestEndpoint.initializeRequest(version), null));
        assertThat(r.statusCode()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(send(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session))
                .statusCode()).isEqualTo(202);
        return session;
    }

    private static String request(int id, String method) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{}}";
    }

    /** One parsed SSE event. */
    record Event(String id, String retry, String data) {
    }

    private static List<Event> events(String body) {
        List<Event> events = new ArrayList<>();
        String id = null;
        String retry = null;
        StringBuilder data = null;
        for (String line : body.split("\n", -1)) {
            if (line.isEmpty()) {
                if (id != null || data != null) {
                    events.add(new Event(id, retry, data == null ? null : data.toString()));
                }
                id = null;
                retry = null;
                data = null;
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("retry: ")) {
                retry = line.substring(7);
            } else if (line.startsWith("data: ") || line.equals("data:")) {
                String d = line.length() > 6 ? line.substring(6) : "";
                data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
            }
        }
        return events;
    }

    private static JsonNode json(String text) throws Exception {
        return TestEndpoint.JSON.readTree(text);
    }

    private int rawStatus(String requestHead, String body) throws Exception {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((requestHead + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    // --- POST ---

    @Test
    void initializeAnswersJsonWithSessionHeader() throws Exception {
        HttpResponse<String> r = send(post(TestEndpoint.initializeRequest("2025-11-25"), null));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isPresent();
        assertThat(json(r.body()).path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    @Test
    void requestAnswersJsonWhenTheResponseComesFirst() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(post(request(2, "ping"), session));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json(r.body()).path("id").asInt()).isEqualTo(2);
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void notificationsAndResponsesAreAccepted() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(post("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{}}", session));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void progressBeforeTheResultMakesAnSseAnswerWithPrimingEvent() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(post(request(3, "slow"), session));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Event> events = events(r.body());
        assertThat(events).hasSize(3);
        assertThat(events.get(0).id()).isNotBlank();
        assertThat(events.get(0).retry()).isEqualTo("1000");
        assertThat(events.get(0).data()).isEmpty();
        assertThat(json(events.get(1).data()).path("method").asText()).isEqualTo("notifications/progress");
        assertThat(json(events.get(2).data()).path("result").path("slow").asBoolean()).isTrue();
        assertThat(events.stream().map(Event::id).distinct().count()).isEqualTo(3);
    }

    @Test
    void olderSessionsGetNoPrimingEvent() throws Exception {
        String session = initialize("2025-03-26");
        List<Event> events = events(send(post(request(3, "slow"), session)).body());
        assertThat(events).hasSize(2);
        assertThat(events.get(0).id()).isNotBlank();
    }

    @Test
    void batchAnswersSse() throws Exception {
        String session = initialize("2025-03-26");
        HttpResponse<String> r = send(post("[" + request(4, "ping") + "," + request(5, "echo") + "]", session));
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(events(r.body())).extracting(e -> json(e.data()).path("id").asInt()).containsExactly(4, 5);
    }

    @Test
    void malformedJsonIs400WithTheEngineError() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(post("{not json", session));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void missingSessionIs400AndUnknownSessionIs404() throws Exception {
        HttpResponse<String> missing = send(post(request(1, "ping"), null));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).path("id").isNull()).isTrue();
        assertThat(json(missing.body()).path("error").path("message").asText()).contains("Mcp-Session-Id");
        assertThat(send(post(request(1, "ping"), "nope")).statusCode()).isEqualTo(404);
    }

    @Test
    void deleteEndsTheSession() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).DELETE().header("Mcp-Session-Id", session));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(send(post(request(2, "ping"), session)).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri).DELETE().header("Mcp-Session-Id", session)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void acceptAndContentTypeAreChecked() throws Exception {
        HttpResponse<String> jsonOnly = send(post(TestEndpoint.initializeRequest("2025-11-25"), null).header("Accept",
                "application/json").setHeader("Accept", "application/json"));
        assertThat(jsonOnly.statusCode()).isEqualTo(406);
        HttpResponse<String> wildcard = send(post(TestEndpoint.initializeRequest("2025-11-25"), null).setHeader("Accept", "*/*"));
        assertThat(wildcard.statusCode()).isEqualTo(200);
        HttpResponse<String> text = send(post(TestEndpoint.initializeRequest("2025-11-25"), null)
                .setHeader("Content-Type", "text/plain"));
        assertThat(text.statusCode()).isEqualTo(415);
        HttpResponse<String> charset = send(post(TestEndpoint.initializeRequest("2025-11-25"), null)
                .setHeader("Content-Type", "application/json; charset=utf-8"));
        assertThat(charset.statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedBodiesAre413WithOrWithoutContentLength() throws Exception {
        String session = initialize("2025-11-25");
        String big = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"echo\",\"params\":{\"x\":\"" + "a".repeat(70_000)
                + "\"}}";
        assertThat(send(post(big, session)).statusCode()).isEqualTo(413);
        HttpRequest.Builder chunked = post("", session).POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))));
        assertThat(send(chunked).statusCode()).isEqualTo(413);
    }

    @Test
    void unsupportedProtocolVersionIs400() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(post(request(2, "ping"), session).header("MCP-Protocol-Version", "1999-01-01"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").path("message").asText()).contains("MCP-Protocol-Version");
        assertThat(send(post(request(3, "ping"), session).header("MCP-Protocol-Version", "2025-03-26"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void foreignHostOrOriginIs403() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> origin = send(post(request(2, "ping"), session).header("Origin", "http://evil.example"));
        assertThat(origin.statusCode()).isEqualTo(403);
        assertThat(json(origin.body()).path("error").path("message").asText()).contains("evil.example");
        assertThat(send(post(request(2, "ping"), session).header("Origin", "http://localhost:6274")).statusCode())
                .isEqualTo(200);
        String head = "POST /mcp HTTP/1.1\r\nHost: evil.example\r\nAccept: " + BOTH
                + "\r\nContent-Type: application/json\r\n";
        assertThat(rawStatus(head, TestEndpoint.initializeRequest("2025-11-25"))).isEqualTo(403);
        String local = "POST /mcp HTTP/1.1\r\nHost: localhost:" + uri.getPort() + "\r\nAccept: " + BOTH
                + "\r\nContent-Type: application/json\r\n";
        assertThat(rawStatus(local, TestEndpoint.initializeRequest("2025-11-25"))).isEqualTo(200);
    }

    @Test
    void pathsBelowTheMountAreNotOurs() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri.resolve("/mcp/other")).GET());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void allowedBrowserOriginsGetCors() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://localhost:6274")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:6274");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .contains("Mcp-Session-Id").contains("MCP-Protocol-Version").contains("Last-Event-ID");
        HttpResponse<String> init = send(post(TestEndpoint.initializeRequest("2025-11-25"), null).header("Origin",
                "http://127.0.0.1:6274"));
        assertThat(init.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Mcp-Session-Id");
        HttpResponse<String> evil = send(HttpRequest.newBuilder(uri)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://evil.example"));
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).method("PUT", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow").orElse("")).contains("GET").contains("POST").contains("DELETE");
    }

    // --- GET ---

    private HttpRequest.Builder get(String session) {
        return HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").header("Mcp-Session-Id", session)
                .GET();
    }

    /** Opens a GET stream and returns its lines as they come. */
    private BlockingQueue<String> openStream(String session, CompletableFuture<HttpResponse<Stream<String>>> out) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<HttpResponse<Stream<String>>> r = http.sendAsync(get(session).build(),
                HttpResponse.BodyHandlers.ofLines());
        r.thenAccept(response -> {
            out.complete(response);
            new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException e) {
                    lines.add("# closed: " + e.getMessage());
                }
            }).start();
        });
        return lines;
    }

    @Test
    void getStreamCarriesServerNotificationsAndKeepAlives() throws Exception {
        String session = initialize("2025-11-25");
        CompletableFuture<HttpResponse<Stream<String>>> response = new CompletableFuture<>();
        BlockingQueue<String> lines = openStream(session, response);
        assertThat(response.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(response.get().headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        // Wait for the stream to be attached, then ask the engine to notify on it.
        String line;
        do {
            line = lines.poll(5, TimeUnit.SECONDS);
            assertThat(line).isNotNull();
        } while (!line.startsWith("retry:"));
        HttpResponse<String> r = send(post(request(2, "notify"), session));
        assertThat(json(r.body()).path("result").path("notified").asBoolean()).isTrue();
        boolean notified = false;
        boolean keptAlive = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((!notified || !keptAlive) && System.nanoTime() < deadline) {
            line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                notified |= line.contains("notifications/tools/list_changed");
                keptAlive |= line.startsWith(": keep-alive");
            }
        }
        assertThat(notified).isTrue();
        assertThat(keptAlive).isTrue();

        assertThat(send(get(session)).statusCode()).isEqualTo(409);
    }

    @Test
    void aGetStreamTheClientDroppedIsDetachedAndANewOneMayOpen() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<InputStream> first = http.send(get(session).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(first.statusCode()).isEqualTo(200);
        first.body().close();
        int status = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            HttpResponse<InputStream> again = http.send(get(session).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            status = again.statusCode();
            again.body().close();
            if (status == 200) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void aSessionTheServerEndsEndsItsGetStreamAtOnceAndIsThen404() throws Exception {
        stop();
        start(Settings.DEFAULTS.withKeepAliveMillis(60_000)); // no keep-alive round during the test
        String session = initialize("2025-11-25");
        HttpResponse<InputStream> stream = http.send(get(session).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        String line;
        do {
            line = lines.readLine();
            assertThat(line).as("the priming event").isNotNull();
        } while (!line.startsWith("retry:"));
        // the GET stream is attached once its priming event is out; the engine's terminate tells it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (endpoint.sessions.get(session).standalone == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        endpoint.sessions.get(session).terminate();
        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "# failed: " + e;
            }
        });
        assertThat(rest.get(5, TimeUnit.SECONDS)).as("the stream ends cleanly").doesNotContain("# failed");
        assertThat(send(post(request(3, "ping"), session)).statusCode()).isEqualTo(404);
        assertThat(send(get(session)).statusCode()).isEqualTo(404);
    }

    @Test
    void getNeedsEventStreamAcceptAndASession() throws Exception {
        String session = initialize("2025-11-25");
        assertThat(send(get(session).setHeader("Accept", "application/json")).statusCode()).isEqualTo(406);
        assertThat(send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")).statusCode())
                .isEqualTo(400);
        assertThat(send(get("nope")).statusCode()).isEqualTo(404);
        assertThat(send(get(session).header("MCP-Protocol-Version", "2000-01-01")).statusCode()).isEqualTo(400);
    }

    @Test
    void closedStreamIsResumedWithLastEventIdAndTheResultArrivesOnce() throws Exception {
        // Negotiated 2025-11-25; the POST says 2025-03-26, as the conformance suite's server-sse-polling does.
        String session = initialize("2025-11-25");
        // The POST stream ends after its priming event, before the result (the engine called closeStream()).
        HttpResponse<String> r = send(post(request(7, "reconnect"), session)
                .header("MCP-Protocol-Version", "2025-03-26"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<Event> first = events(r.body());
        assertThat(first).hasSize(1);
        assertThat(first.get(0).data()).isEmpty();
        assertThat(first.get(0).retry()).isEqualTo("1000");
        String primingId = first.get(0).id();

        HttpResponse<String> resumed = send(get(session).header("Last-Event-ID", primingId));
        assertThat(resumed.statusCode()).isEqualTo(200);
        List<Event> replay = events(resumed.body());
        assertThat(replay).hasSize(1);
        assertThat(json(replay.get(0).data()).path("id").asInt()).isEqualTo(7);
        assertThat(json(replay.get(0).data()).path("result").path("reconnected").asBoolean()).isTrue();

        // Resuming after the result replays nothing: it arrives exactly once.
        HttpResponse<String> again = send(get(session).header("Last-Event-ID", replay.get(0).id()));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(events(again.body())).isEmpty();
    }

    @Test
    void resumeBeforeTheResultContinuesLive() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<String> r = send(post(request(8, "reconnect"), session));
        String primingId = events(r.body()).get(0).id();
        // The result comes 300 ms after the stream closed: this GET waits for it and then ends.
        long start = System.nanoTime();
        HttpResponse<String> resumed = send(get(session).header("Last-Event-ID", primingId));
        List<Event> events = events(resumed.body());
        assertThat(events).hasSize(1);
        assertThat(json(events.get(0).data()).path("id").asInt()).isEqualTo(8);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aResumedStreamAnswersAtOnceEvenWhenNothingNewIsStoredYet() throws Exception {
        stop();
        start(Settings.DEFAULTS.withKeepAliveMillis(60_000)); // no keep-alive comment comes to the rescue
        String session = initialize("2025-11-25");
        // A POST answered with SSE (priming event, then progress), whose result comes 3 s later; the client drops
        // the connection after the progress, as a cut network would.
        HttpResponse<InputStream> post = http.send(post("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"slow\","
                + "\"params\":{\"millis\":3000}}", session).build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(post.body(), StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder();
        for (int blank = 0; blank < 2;) {
            String line = lines.readLine();
            head.append(line).append('\n');
            blank += line.isEmpty() ? 1 : 0;
        }
        post.body().close();
        String progressId = events(head.toString()).get(1).id();

        long start = System.nanoTime();
        HttpResponse<InputStream> resumed = http.send(get(session).header("Last-Event-ID", progressId).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long headersMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(headersMillis).as("the response starts before the next event (the result, 3 s on)")
                .isLessThan(2000);
        List<Event> rest = events(new String(resumed.body().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(rest).singleElement().satisfies(e -> assertThat(json(e.data()).path("id").asInt()).isEqualTo(12));
    }

    @Test
    void resumptionSurvivesAReloadOfTheTransportBecauseTheStoreIsAService() throws Exception {
        String session = initialize("2025-11-25");
        String primingId = events(send(post(request(10, "reconnect"), session)).body()).get(0).id();
        // The transport is reloaded while the call runs: a new handler instance, the same engine and store.
        server.stop();
        handler.deactivate();
        handler = new McpHttpHandler(endpoint, Settings.DEFAULTS.withKeepAliveMillis(200), store);
        server.start(handler);
        uri = server.uri("http", "/mcp");
        // The result, sent after the old instance stopped, was stored for the stream all the same.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (replayed(session, primingId) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        HttpResponse<String> resumed = send(get(session).header("Last-Event-ID", primingId));
        assertThat(resumed.statusCode()).isEqualTo(200);
        List<Event> replay = events(resumed.body());
        assertThat(replay).hasSize(1);
        assertThat(json(replay.get(0).data()).path("id").asInt()).isEqualTo(10);
        // Streams of the new instance never reuse an id of the old one's: p1 is taken in this session.
        List<Event> next = events(send(post(request(11, "slow"), session)).body());
        assertThat(next.get(0).id()).doesNotStartWith("p1-").startsWith("p1.");
    }

    private int replayed(String session, String lastEventId) {
        int[] n = {0};
        store.replayEventsAfter(session, lastEventId, (id, m) -> n[0]++);
        return n[0];
    }

    @Test
    void theEndOfASessionDropsItsEventsFromTheStore() throws Exception {
        String session = initialize("2025-11-25");
        String primingId = events(send(post(request(12, "slow"), session)).body()).get(0).id();
        assertThat(store.streamOf(session, primingId)).isPresent();
        assertThat(send(HttpRequest.newBuilder(uri).DELETE().header("Mcp-Session-Id", session)).statusCode())
                .isEqualTo(200);
        assertThat(store.streamOf(session, primingId)).isEmpty();
    }

    @Test
    void aSessionWithoutSseStreamsKeepsNothingInTheStore() throws Exception {
        String session = initialize("2025-11-25");
        assertThat(json(send(post(request(13, "tools/list"), session)).body()).has("result")).isTrue();
        String other = initialize("2025-11-25");
        String foreign = events(send(post(request(14, "slow"), other)).body()).get(0).id();
        // The event store knows the other session, not this one: its first POST stream answered plain JSON.
        assertThat(store.streamOf(other, foreign)).isPresent();
        assertThat(store.streamOf(session, foreign)).isEmpty();
    }

    @Test
    void unknownLastEventIdIs400() throws Exception {
        String session = initialize("2025-11-25");
        assertThat(send(get(session).header("Last-Event-ID", "garbage")).statusCode()).isEqualTo(400);
        assertThat(send(get(session).header("Last-Event-ID", "p1-999")).statusCode()).isEqualTo(400);
    }

    @Test
    void olderSessionsIgnoreCloseStream() throws Exception {
        String session = initialize("2025-06-18");
        HttpResponse<String> r = send(post(request(9, "reconnect"), session));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).path("result").path("reconnected").asBoolean()).isTrue();
    }

    @Test
    void deleteEndsAnOpenGetStream() throws Exception {
        String session = initialize("2025-11-25");
        HttpResponse<InputStream> stream = http.send(get(session).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri).DELETE().header("Mcp-Session-Id", session)).statusCode())
                .isEqualTo(200);
        CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream.body()) {
                return in.readAllBytes();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(rest.get(5, TimeUnit.SECONDS)).isNotNull();
    }
}
