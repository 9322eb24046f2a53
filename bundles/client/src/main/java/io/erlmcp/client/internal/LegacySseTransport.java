// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The HTTP+SSE transport of MCP 2024-11-05 ({@code io.erlmcp.mcp.sse} serves it at {@code /sse}): a GET opens the
 * event stream, whose first {@code endpoint} event names (relative to the SSE URL) where to POST messages; every
 * message goes there as its own POST (the server answers 202), and every answer, notification and server request
 * comes back as an SSE {@code message} event. The endpoint must have the SSE URL's scheme, host and port. When the
 * stream ends, {@code ended} is told; {@link #start} may be called again after that: a new stream and session.
 */
public final class LegacySseTransport extends ConnectionTransport<LegacySseTransport.Connection> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);

    private final URI sseEndpoint;
    private final Map<String, String> headers;
    private final HttpClient http;

    /** @param tls null for the JDK's default trust (https) */
    public LegacySseTransport(URI sseEndpoint, SSLContext tls, Map<String, String> headers) {
        this.sseEndpoint = Endpoints.requireScheme(sseEndpoint, "an SSE endpoint", "http", "https");
        this.headers = Map.copyOf(headers);
        // HTTP/1.1: the stream is one long response; no h2c upgrade attempt on plain http.
        this.http = Endpoints.httpClient(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT), tls);
    }

    @Override
    protected Connection open(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        Connection c = new Connection(inbound, ended);
        HttpRequest.Builder get = HttpRequest.newBuilder(sseEndpoint).header("Accept", "text/event-stream");
        headers.forEach(get::header);
        http.sendAsync(get.GET().build(), c::body).whenComplete((response, failure) -> {
            if (failure != null) {
                c.endpoint.completeExceptionally(new IOException("GET " + sseEndpoint + " failed: " + failure,
                        failure));
                c.end("GET " + sseEndpoint + " failed: " + failure);
            }
        });
        try {
            c.endpoint.get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            c.close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            c.close();
            throw new IOException("no endpoint event from " + sseEndpoint + " within " + 2 * TIMEOUT.toSeconds()
                    + " s", e);
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return c;
    }

    @Override
    protected String peer() {
        return sseEndpoint.toString();
    }

    /** Where messages are POSTed (from the endpoint event), or null when not connected. */
    public URI messagesEndpoint() {
        Connection c = currentOrNull();
        return c == null ? null : c.messages;
    }

    @Override
    public void send(JsonNode message) throws IOException {
        Connection c = connection();
        URI to = c.over ? null : c.messages;
        if (to == null) {
            String why = c.endReason;
            throw new IOException("not connected to " + sseEndpoint + (why == null ? "" : ": " + why));
        }
        HttpRequest.Builder post = HttpRequest.newBuilder(to).timeout(POST_TIMEOUT)
                .header("Content-Type", "application/json");
        headers.forEach(post::header);
        HttpResponse<String> response;
        try {
            response = http.send(post.POST(HttpRequest.BodyPublishers.ofByteArray(
                    JsonRpcPeer.JSON.writeValueAsBytes(message))).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " from POST " + to + ": " + response.body());
        }
    }

    /** The URI an endpoint event names, checked to have the SSE URL's origin. */
    static URI resolve(URI sse, String data) throws IOException {
        URI uri;
        try {
            uri = sse.resolve(data.trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("the endpoint event names no URI: " + data, e);
        }
        if (!Objects.equals(uri.getScheme(), sse.getScheme()) || !Objects.equals(uri.getHost(), sse.getHost())
                || port(uri) != port(sse)) {
            throw new IOException("the endpoint event names another origin than " + sse + ": " + uri);
        }
        return uri;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** One GET stream: reads its events line by line and reports its end once. */
    final class Connection implements Flow.Subscriber<String>, ConnectionTransport.Link {
        private final Consumer<JsonNode> inbound;
        private final Consumer<String> ended;
        final CompletableFuture<URI> endpoint = new CompletableFuture<>();
        private final SseParser parser = new SseParser(this::event);
        private volatile Flow.Subscription subscription;
        volatile URI messages;
        volatile boolean over;
        volatile String endReason;

        Connection(Consumer<JsonNode> inbound, Consumer<String> ended) {
            this.inbound = inbound;
            this.ended = ended;
        }

        HttpResponse.BodySubscriber<Void> body(HttpResponse.ResponseInfo info) {
            String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (info.statusCode() == 200 && type.startsWith("text/event-stream")) {
                return HttpResponse.BodySubscribers.fromLineSubscriber(this);
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                    text -> {
                        String why = "GET " + sseEndpoint + ": HTTP " + info.statusCode()
                                + (type.isEmpty() ? "" : " " + type) + " " + text;
                        endpoint.completeExceptionally(new IOException(why));
                        end(why);
                        return null;
                    });
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (over) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            parser.line(line);
        }

        @Override
        public void onError(Throwable failure) {
            parser.line("");
            endpoint.completeExceptionally(new IOException("the SSE stream failed: " + failure, failure));
            end("the SSE stream failed: " + failure);
        }

        @Override
        public void onComplete() {
            parser.line("");
            endpoint.completeExceptionally(new IOException("the SSE stream ended before its endpoint event"));
            end("the server ended the SSE stream");
        }

        private void event(SseParser.Event event) {
            if ("endpoint".equals(event.type())) {
                try {
                    URI uri = resolve(sseEndpoint, event.data());
                    if (messages == null) {
                        messages = uri;
                        endpoint.complete(uri);
                    }
                } catch (IOException e) {
                    endpoint.completeExceptionally(e);
                }
                return;
            }
            if (!"message".equals(event.type())) {
                return;
            }
            JsonNode message = JsonRpcPeer.parse(event.data());
            if (message != null) { // not JSON: skipped
                inbound.accept(message);
            }
        }

        @Override
        public void close() {
            over = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        /** The stream ended: tells {@code ended}, once, if the connection was ever up and not closed by us. */
        void end(String reason) {
            endReason = reason;
            if (over) {
                return;
            }
            over = true;
            if (messages != null) {
                ended.accept(reason);
            }
        }
    }
}
