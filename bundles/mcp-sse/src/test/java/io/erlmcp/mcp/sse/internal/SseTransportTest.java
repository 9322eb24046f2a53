// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Handler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.testkit.LocalJetty;
import io.erlmcp.transport.testkit.TestEndpoint;

/** The HTTP+SSE transport (both handlers) on a real Jetty server, driven by {@link HttpClient}. */
class SseTransportTest {

    private static final String INIT = TestEndpoint.initializeRequest("2024-11-05");

    private TestEndpoint endpoint;
    private SseTransport transport;
    private LocalJetty server;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private InputStream openStream;

    @BeforeEach
    void start() throws Exception {
        start(Settings.DEFAULTS.withMaxBodyBytes(64 * 1024).withKeepAliveMillis(200));
    }

    private void start(Settings settings) throws Exception {
        endpoint = new TestEndpoint();
        transport = new SseTransport(endpoint, settings);
        // The node's whiteboard mounts the two handlers at their paths; a sequence does the same here.
        server = new LocalJetty(new Handler.Sequence(transport, transport.messages));
        base = server.uri("http", "");
    }

    @AfterEach
    void stop() throws Exception {
        if (openStream != null) {
            openStream.close();
        }
        server.stop();
        transport.deactivate();
        endpoint.shutdown();
    }

    // --- helpers ---

    /** One parsed SSE event. */
    record Event(String name, String data) {
    }

    /** An open {@code GET /sse}: its events arrive on a queue, read by a background thread. */
    final class Stream {
        final HttpResponse<InputStream> response;
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);

        Stream(HttpResponse<InputStream> response) {
            this.response = response;
            openStream = response.body();
            Thread t = new Thread(this::read, "sse-test-reader");
            t.setDaemon(true);
            t.start();
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String name = null;
                StringBuilder data = null;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.isEmpty()) {
                        if (data != null) {
                            events.add(new Event(name == null ? "message" : name, data.toString()));
                        }
                        name = null;
                        data = null;
                    } else if (line.startsWith(":")) {
                        comments.add(line);
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = data == null ? new StringBuilder(line.substring(6))
                                : data.append('\n').append(line.substring(6));
                    }
                }
            } catch (Exception closed) {
                // the test closed the stream
            } finally {
                ended.countDown();
            }
        }

        Event next() throws InterruptedException {
            Event e = events.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("an SSE event within 5 s").isNotNull();
            return e;
        }

        JsonNode nextMessage() throws Exception {
            Event e = next();
            assertThat(e.name()).isEqualTo("message");
            return TestEndpoint.JSON.readTree(e.data());
        }

        void close() throws Exception {
            response.body().close();
        }
    }

    private Stream openSse() throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/sse"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return new Stream(r);
    }

    /** @return the relative POST URI of the stream's endpoint event */
    private static String endpointOf(Stream s) throws Exception {
        Event first = s.next();
        assertThat(first.name()).isEqualTo("endpoint");
        assertThat(first.data()).startsWith("/messages?sessionId=");
        return first.data();
    }

    private HttpResponse<String> post(String target, String body) throws Exception {
        return post(target, body, "application/json", null);
    }

    private HttpResponse<String> post(String target, String body, String contentType, String origin)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(target)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private static JsonNode json(String text) throws Exception {
        return TestEndpoint.JSON.readTree(text);
    }

    // --- tests ---

    @Test
    void endpointEventComesFirstAndOpensAnSseSession() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        String id = target.substring(target.indexOf('=') + 1);
        assertThat(endpoint.sessions).containsKey(id);
        assertThat(endpoint.opened).singleElement().extracting(session -> session.transport).satisfies(info -> {
            assertThat(info.transport()).isEqualTo("sse");
            assertThat(info.remote()).startsWith("127.0.0.1:");
            assertThat(info.protocolVersionHint()).isNull();
        });
    }

    @Test
    void initializePingAndEchoAreAcceptedAndAnsweredOnTheStream() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);

        HttpResponse<String> init = post(target, INIT);
        assertThat(init.statusCode()).isEqualTo(202);
        JsonNode response = s.nextMessage();
        assertThat(response.path("id").asInt()).isEqualTo(1);
        assertThat(response.path("result").path("protocolVersion").asText()).isEqualTo("2024-11-05");

        assertThat(post(target, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode())
                .isEqualTo(202);
        assertThat(post(target, request(2, "ping", "{}")).statusCode()).isEqualTo(202);
        assertThat(s.nextMessage().path("id").asInt()).isEqualTo(2);

        assertThat(post(target, request(3, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\\nthere\"}}"))
                .statusCode()).isEqualTo(202);
        JsonNode echo = s.nextMessage();
        assertThat(echo.path("id").asInt()).isEqualTo(3);
        assertThat(echo.path("result").path("content").get(0).path("text").asText()).isEqualTo("hi\nthere");
    }

    @Test
    void notificationsOutsideARequestGoDownTheStream() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        post(target, INIT);
        s.nextMessage();
        assertThat(post(target, request(2, "notify", "{}")).statusCode()).isEqualTo(202);
        assertThat(s.nextMessage().path("method").asText()).isEqualTo("notifications/tools/list_changed");
        assertThat(s.nextMessage().path("result").path("notified").asBoolean()).isTrue();
    }

    @Test
    void messagesSentWhileTheSessionOpensFollowTheEndpointEvent() throws Exception {
        endpoint.greetOnOpen = true;
        Stream s = openSse();
        endpointOf(s);
        assertThat(s.nextMessage().path("params").path("data").asText()).isEqualTo("hello");
    }

    @Test
    void theEngineClosingTheSessionEndsTheStream() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        String id = target.substring(target.indexOf('=') + 1);
        endpoint.sessions.get(id).close();
        assertThat(s.ended.await(5, TimeUnit.SECONDS)).as("stream ended").isTrue();
        assertThat(post(target, request(1, "ping", "{}")).statusCode()).isEqualTo(404);
    }

    @Test
    void aSessionTheServerEndsEndsItsStreamAtOnceAfterWhatWasQueued() throws Exception {
        stop();
        start(Settings.DEFAULTS.withKeepAliveMillis(60_000)); // no keep-alive round during the test
        Stream s = openSse();
        String target = endpointOf(s);
        String id = target.substring(target.indexOf('=') + 1);
        TestEndpoint.TestSession session = endpoint.sessions.get(id);
        for (int i = 0; i < 20; i++) {
            session.standalone.send(TestEndpoint.numberedNotification(i, 0), MessageKind.NOTIFICATION);
        }
        session.terminate();
        for (int i = 0; i < 20; i++) {
            assertThat(s.nextMessage().path("params").path("n").asInt()).as("queued before the end").isEqualTo(i);
        }
        assertThat(s.ended.await(5, TimeUnit.SECONDS)).as("stream ended").isTrue();
        assertThat(post(target, request(2, "ping", "{}")).statusCode()).isEqualTo(404);
    }

    @Test
    void stoppingTheTransportEndsStreamsAndClosesSessions() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        String id = target.substring(target.indexOf('=') + 1);
        transport.deactivate();
        assertThat(s.ended.await(5, TimeUnit.SECONDS)).as("stream ended").isTrue();
        assertThat(endpoint.sessions).doesNotContainKey(id);
    }

    @Test
    void keepAliveCommentsArrive() throws Exception {
        Stream s = openSse();
        endpointOf(s);
        assertThat(s.comments.poll(5, TimeUnit.SECONDS)).isEqualTo(": keep-alive");
    }

    @Test
    void unknownSessionIs404AndMissingSessionIdIs400() throws Exception {
        HttpResponse<String> unknown = post("/messages?sessionId=nope", request(1, "ping", "{}"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("error").path("code").asInt()).isEqualTo(-32001);

        HttpResponse<String> missing = post("/messages", request(1, "ping", "{}"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).path("error").path("message").asText()).contains("sessionId");
    }

    @Test
    void wrongContentTypeIs415AndOversizedBodyIs413() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        HttpResponse<String> text = post(target, request(1, "ping", "{}"), "text/plain", null);
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(json(text.body()).path("error").path("code").asInt()).isEqualTo(-32000);

        String big = request(1, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"text\":\""
                + "x".repeat(70 * 1024) + "\"}}");
        assertThat(post(target, big).statusCode()).isEqualTo(413);
    }

    @Test
    void parseErrorIs400WithTheEnginesErrorBody() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        HttpResponse<String> r = post(target, "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").path("code").asInt()).isEqualTo(-32700);
        // the session stays usable
        assertThat(post(target, request(2, "ping", "{}")).statusCode()).isEqualTo(202);
        assertThat(s.nextMessage().path("id").asInt()).isEqualTo(2);
    }

    @Test
    void foreignOriginAndHostAre403() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        assertThat(post(target, request(1, "ping", "{}"), "application/json", "http://evil.example").statusCode())
                .isEqualTo(403);
        HttpResponse<String> local = post(target, request(2, "ping", "{}"), "application/json",
                "http://localhost:6274");
        assertThat(local.statusCode()).isEqualTo(202);
        assertThat(local.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:6274");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(base.resolve("/sse"))
                .header("Origin", "http://evil.example").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(403);
        assertThat(rawStatus("GET /sse HTTP/1.1\r\nHost: evil.example\r\nAccept: text/event-stream\r\n"))
                .isEqualTo(403);
        assertThat(endpoint.opened).hasSize(1);
    }

    @Test
    void getWithoutEventStreamInAcceptIs406AndOtherMethodsAre405() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/sse"))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(post("/sse", "{}").statusCode()).isEqualTo(405);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(base.resolve("/messages?sessionId=x")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(endpoint.opened).isEmpty();
    }

    @Test
    void closingTheStreamClosesTheSession() throws Exception {
        Stream s = openSse();
        String target = endpointOf(s);
        String id = target.substring(target.indexOf('=') + 1);
        assertThat(post(target, INIT).statusCode()).isEqualTo(202);
        s.nextMessage();
        s.close();
        // The next keep-alive write (every 200 ms) finds the connection gone.
        int status = 0;
        for (int i = 0; i < 50 && status != 404; i++) {
            Thread.sleep(100);
            status = post(target, request(9, "ping", "{}")).statusCode();
        }
        assertThat(status).isEqualTo(404);
        assertThat(endpoint.sessions).doesNotContainKey(id);
    }

    @Test
    void aClientThatDoesNotReadLosesItsStreamAndSessionWithoutBlockingTheEngine() throws Exception {
        stop();
        start(Settings.DEFAULTS.withKeepAliveMillis(200).withQueue(256 * 1024, 100));
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setReceiveBufferSize(4096);
            socket.getOutputStream().write(("GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader r = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII), 1);
            String target = null;
            for (String line = r.readLine(); line != null && target == null; line = r.readLine()) {
                if (line.startsWith("data: /messages")) {
                    target = line.substring(6);
                }
            }
            assertThat(target).isNotNull();
            String id = target.substring(target.indexOf('=') + 1);
            // ~40 MB of notifications at once; the socket is never read again.
            long t0 = System.nanoTime();
            assertThat(post(target, request(1, "flood", "{\"count\":40000}")).statusCode()).isEqualTo(202);
            int status = 0;
            for (int i = 0; i < 100 && status != 404; i++) {
                status = post(target, request(2, "ping", "{}")).statusCode();
                if (status != 404) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).isEqualTo(404);
            assertThat(endpoint.sessions).doesNotContainKey(id);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private int rawStatus(String head) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }
}
