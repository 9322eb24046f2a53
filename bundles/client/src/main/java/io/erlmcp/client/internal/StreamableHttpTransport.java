// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.SseReconnectPolicy;

/**
 * The Streamable HTTP transport (MCP 2025-03-26 and later): every message is a POST to the endpoint, answered with
 * JSON, with an SSE stream or with 202. Keeps the Mcp-Session-Id the server gives and sends MCP-Protocol-Version
 * once negotiated; opens the GET stream for server-initiated messages if the server offers one (405 when it does
 * not); DELETEs the session on close. An HTTP failure of a request is delivered as a JSON-RPC error for its id.
 *
 * <p>Resumption (spec 2025-11-25, "Resumability and Redelivery"): the last SSE event id of every stream is kept.
 * A POST's stream that ends before its response (the server closed it after a priming event, or the network cut
 * it) is resumed with GET + {@code Last-Event-ID} after the server's {@code retry} delay, with backoff and a bound
 * on attempts ({@link SseReconnectPolicy}); events whose id was seen already are dropped, so each message arrives
 * once. The GET stream is reopened the same way whenever it drops (a 404 once it has worked: the session is gone,
 * reported as ended).
 * A request is never POSTed twice. A request the client cancelled ({@code notifications/cancelled}) is not resumed.
 */
public final class StreamableHttpTransport implements ClientTransport {

    private static final String ACCEPT_POST = "application/json, text/event-stream";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final int TRANSPORT_ERROR = -32000;
    /** Event ids remembered per stream to drop redelivered events. */
    private static final int SEEN_IDS = 4096;

    /** A GET stream that stayed open this long counts as a success even without events (an idle proxy cut it). */
    private static final Duration STABLE_GET_STREAM = Duration.ofSeconds(10);

    private static final long PAUSE_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What a reconnection attempt came to. */
    private enum Attempt { NEW_EVENTS, NOTHING_NEW }

    private final URI endpoint;
    private final Map<String, String> headers;
    private final SseReconnectPolicy reconnect;
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "erlmcp-client-http");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http;
    /** The logical stream of every request still waiting, by request id. */
    private final Map<String, SseStream> streams = new ConcurrentHashMap<>();
    /** Every response body being read, closed on close. */
    private final Set<InputStream> bodies = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sessionEnded = new AtomicBoolean();
    private volatile Consumer<JsonNode> inbound;
    private volatile Consumer<String> ended;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile boolean closed;

    public StreamableHttpTransport(URI endpoint, Map<String, String> headers) {
        this(endpoint, headers, SseReconnectPolicy.DEFAULT);
    }

    public StreamableHttpTransport(URI endpoint, Map<String, String> headers, SseReconnectPolicy reconnect) {
        this(endpoint, headers, reconnect, null);
    }

    /** @param tls the context for https endpoints (say, trusting a private CA); null: the JVM's default */
    public StreamableHttpTransport(URI endpoint, Map<String, String> headers, SseReconnectPolicy reconnect,
            SSLContext tls) {
        this.http = Endpoints.httpClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)), tls);
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
    }

    @Override
    public void start(Consumer<JsonNode> inbound) {
        this.inbound = inbound;
    }

    @Override
    public void start(Consumer<JsonNode> inbound, Consumer<String> ended) {
        this.inbound = inbound;
        this.ended = ended;
    }

    /** The session id the server gave, or null. */
    public String sessionId() {
        return sessionId;
    }

    @Override
    public void send(JsonNode message) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        if ("notifications/cancelled".equals(message.path("method").asText())) {
            // The request's stream is not resumed any more; what still arrives on it is read and passed on (the
            // client drops a late answer, listeners still hear notifications) until the server ends it.
            JsonNode cancelled = message.path("params").get("requestId");
            SseStream s = cancelled == null ? null : streams.get(cancelled.asText());
            if (s != null) {
                s.abandoned = true;
            }
        }
        HttpRequest request = request().header("Content-Type", "application/json").header("Accept", ACCEPT_POST)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonRpcPeer.JSON.writeValueAsBytes(message))).build();
        JsonNode id = message.has("method") ? message.get("id") : null;
        if (id == null || id.isNull()) {
            // A notification or an answer: the server takes it with 202 (or answers on the body, rarely).
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (response.statusCode() >= 400) {
                String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                throw new IOException("HTTP " + response.statusCode() + " from " + endpoint + ": " + body);
            }
            read(() -> answer(response, new SseStream(null)), response);
            return;
        }
        SseStream stream = new SseStream(id);
        streams.put(id.asText(), stream);
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).whenComplete((response, failure) -> {
            if (failure != null) {
                streams.remove(id.asText(), stream);
                deliver(error(id, "HTTP request failed: " + failure));
            } else {
                read(() -> {
                    try {
                        answer(response, stream);
                    } finally {
                        streams.remove(id.asText(), stream);
                    }
                }, response);
            }
        });
    }

    @Override
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    @Override
    public void initialized() {
        try {
            readers.execute(this::listen);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sessionId != null) {
            try {
                http.send(request().timeout(Duration.ofSeconds(5)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // The server is gone already.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (InputStream body : bodies) {
            closeQuietly(body);
        }
        readers.shutdownNow();
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint);
        headers.forEach(b::header);
        String session = sessionId;
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        String version = protocolVersion;
        if (version != null) {
            b.header("MCP-Protocol-Version", version);
        }
        return b;
    }

    /** Runs {@code reader} on a reader thread, or drops the response when the transport has closed. */
    private void read(Runnable reader, HttpResponse<InputStream> response) {
        try {
            readers.execute(reader);
        } catch (RejectedExecutionException e) {
            closeQuietly(response.body());
        }
    }

    /** Reads the answer to a POST; resumes its SSE stream if it ends before the response. */
    private void answer(HttpResponse<InputStream> response, SseStream stream) {
        response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
        JsonNode requestId = stream.requestId;
        int status = response.statusCode();
        if (status >= 400) {
            String text = drain(response);
            if (requestId != null) {
                JsonNode error = JsonRpcPeer.parse(text);
                if (error != null && error.has("error")) {
                    ((ObjectNode) error).set("id", requestId);
                    deliver(error);
                } else {
                    deliver(error(requestId, "HTTP " + status + ": " + text));
                }
            }
            return; // a 404 fails this request only; the GET stream reports the session's end
        }
        if (isEventStream(response)) {
            try {
                read(stream, response.body());
            } catch (IOException e) {
                // Cut off: resumed below like a stream the server closed.
            }
            if (requestId != null && !stream.done()) {
                resume(stream);
            }
            return;
        }
        if (contentType(response).startsWith("application/json")) {
            JsonNode message = JsonRpcPeer.parse(drain(response));
            if (message != null) {
                stream.answered = true;
                deliver(message);
            }
        } else {
            drain(response);
        }
        if (requestId != null && !stream.answered && !closed) {
            deliver(error(requestId, "HTTP " + status + ": the response ended without an answer"));
        }
    }

    /** Resumes a POST's stream with GET + Last-Event-ID until its response arrives or the policy gives up. */
    private void resume(SseStream stream) {
        int attempt = 0;
        while (!stream.done()) {
            String last = stream.lastEventId;
            if (last == null || last.isEmpty()) {
                fail(stream, "the SSE stream ended before the response, without an event id to resume from");
                return;
            }
            if (attempt >= reconnect.maxAttempts()) {
                fail(stream, "the SSE stream ended before the response; no new event after " + attempt
                        + " reconnection attempt(s) with Last-Event-ID " + last);
                return;
            }
            if (!pause(reconnect.delay(attempt, stream.retryMillis), stream::done)) {
                return;
            }
            attempt++;
            HttpResponse<InputStream> response;
            try {
                response = http.send(request().header("Accept", EVENT_STREAM).header("Last-Event-ID", last).GET()
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                continue; // the server is unreachable for now: try again after a longer pause
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int status = response.statusCode();
            if (status == 200 && isEventStream(response)) {
                if (readCounting(stream, response) == Attempt.NEW_EVENTS) {
                    attempt = 0;
                }
            } else if (status == 404) {
                drain(response);
                fail(stream, "the server ended the session (HTTP 404) while resuming the SSE stream");
                sessionGone("the server ended the session (HTTP 404)");
                return;
            } else if (status >= 500 || status == 409 || status == 429) {
                drain(response);
            } else {
                fail(stream, "cannot resume the SSE stream with Last-Event-ID " + last + ": HTTP " + status + " "
                        + drain(response));
                return;
            }
        }
    }

    /** The standalone GET stream: opened once initialized, reopened with Last-Event-ID whenever it drops. */
    private void listen() {
        SseStream stream = new SseStream(null);
        int attempt = 0;
        boolean streamed = false;
        while (!closed && !sessionEnded.get()) {
            HttpRequest.Builder b = request().header("Accept", EVENT_STREAM);
            String last = stream.lastEventId;
            if (last != null && !last.isEmpty()) {
                b.header("Last-Event-ID", last);
            }
            try {
                HttpResponse<InputStream> response = http.send(b.GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status == 200 && isEventStream(response)) {
                    streamed = true;
                    long opened = System.nanoTime();
                    if (readCounting(stream, response) == Attempt.NEW_EVENTS
                            || System.nanoTime() - opened >= STABLE_GET_STREAM.toNanos()) {
                        attempt = 0; // it worked for a while: a later drop starts the count again
                    }
                } else {
                    drain(response);
                    if (status == 405 || status == 404 && !streamed) {
                        // The server offers no GET stream (some answer 404 for a method they do not route).
                        return;
                    } else if (status == 404) {
                        sessionGone("the server ended the session (HTTP 404 on the GET stream)");
                        return;
                    } else if (status == 400 && last != null) {
                        stream.lastEventId = null; // the server forgot those events: open a fresh stream
                    } else if (status < 500 && status != 409 && status != 429) {
                        return; // refused for good (or not SSE): server messages still come on POST responses
                    }
                }
            } catch (IOException e) {
                // Unreachable or cut off: try again after a pause.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (closed || attempt >= reconnect.maxAttempts()) {
                return;
            }
            if (!pause(reconnect.delay(attempt, stream.retryMillis), () -> closed || sessionEnded.get())) {
                return;
            }
            attempt++;
        }
    }

    /** Reads one SSE response of {@code stream}; whether it brought events not seen before. */
    private Attempt readCounting(SseStream stream, HttpResponse<InputStream> response) {
        int before = stream.fresh;
        try {
            read(stream, response.body());
        } catch (IOException e) {
            // Cut off again.
        }
        return stream.fresh > before ? Attempt.NEW_EVENTS : Attempt.NOTHING_NEW;
    }

    /**
     * Reads SSE events to the end of {@code body}, delivering each message whose event id was not seen before.
     * The stream's last event id advances only when an event is complete (its blank line arrived); an event cut
     * off in the middle is not dispatched, so resuming after the previous id gets it whole.
     */
    private void read(SseStream stream, InputStream body) throws IOException {
        bodies.add(body);
        SseParser parser = new SseParser(event -> accept(stream, event));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (closed) {
                return;
            }
            String line;
            while ((line = reader.readLine()) != null) {
                parser.line(line);
                if (line.isEmpty() && parser.lastEventId() != null) {
                    stream.lastEventId = parser.lastEventId();
                }
            }
        } finally {
            bodies.remove(body);
            if (parser.retryMillis() >= 0) {
                stream.retryMillis = parser.retryMillis();
            }
        }
    }

    private void accept(SseStream stream, SseParser.Event event) {
        String id = event.id();
        if (id != null && !id.isEmpty()) {
            if (!stream.seen.add(id)) {
                return; // redelivered
            }
            stream.fresh++;
        }
        JsonNode message = JsonRpcPeer.parse(event.data()); // null for a priming event (empty data)
        if (message == null) {
            return;
        }
        JsonNode requestId = stream.requestId;
        if (requestId != null && !message.has("method") && requestId.asText().equals(message.path("id").asText())) {
            stream.answered = true;
        }
        deliver(message);
    }

    private void fail(SseStream stream, String reason) {
        if (!stream.done()) {
            deliver(error(stream.requestId, reason));
        }
    }

    /** Reports the session as ended, once: waiting requests fail at once. */
    private void sessionGone(String reason) {
        if (!closed && sessionEnded.compareAndSet(false, true)) {
            Consumer<String> to = ended;
            if (to != null) {
                to.accept(reason);
            }
        }
    }

    /**
     * Sleeps before a reconnection, in short slices so that a stream given up meanwhile (its request cancelled, the
     * transport closed) does not hold its thread for a long {@code retry}; false when {@code stop} came true.
     */
    private boolean pause(Duration delay, BooleanSupplier stop) {
        long end = System.nanoTime() + delay.toNanos();
        try {
            for (long left = delay.toNanos(); left > 0 && !stop.getAsBoolean(); left = end - System.nanoTime()) {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, PAUSE_SLICE_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stop.getAsBoolean();
    }

    private void deliver(JsonNode message) {
        Consumer<JsonNode> to = inbound;
        if (to != null) {
            to.accept(message);
        }
    }

    private static boolean isEventStream(HttpResponse<?> response) {
        return contentType(response).startsWith(EVENT_STREAM);
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    }

    /** The rest of a body as text ("" if it cannot be read). */
    private static String drain(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    private static JsonNode error(JsonNode id, String message) {
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        reply.set("id", id);
        reply.putObject("error").put("code", TRANSPORT_ERROR).put("message", message);
        return reply;
    }

    /**
     * One logical SSE stream: a POST's (carrying the response to {@code requestId}) or the standalone GET stream
     * ({@code requestId} null). It outlives its HTTP responses: each reconnection continues it. Read by one thread
     * at a time.
     */
    private final class SseStream {
        final JsonNode requestId;
        final Set<String> seen = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > SEEN_IDS;
            }
        }));
        volatile String lastEventId;
        volatile long retryMillis = -1;
        volatile int fresh;
        volatile boolean answered;
        volatile boolean abandoned;

        SseStream(JsonNode requestId) {
            this.requestId = requestId;
        }

        /** Nothing more to wait for: answered, cancelled by the client, or the transport closed. */
        boolean done() {
            return answered || abandoned || closed;
        }
    }
}
