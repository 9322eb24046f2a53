// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.client.ClientTransport;

/**
 * The Streamable HTTP transport (MCP 2025-03-26 and later): every message is a POST to the endpoint, answered with
 * JSON, with an SSE stream or with 202. Keeps the Mcp-Session-Id the server gives and sends MCP-Protocol-Version
 * once negotiated; opens the GET stream for server-initiated messages if the server offers one (405 when it does
 * not); DELETEs the session on close. An HTTP failure of a request is delivered as a JSON-RPC error for its id.
 */
public final class StreamableHttpTransport implements ClientTransport {

    private static final String ACCEPT_POST = "application/json, text/event-stream";
    private static final int TRANSPORT_ERROR = -32000;

    private final URI endpoint;
    private final Map<String, String> headers;
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "erlmcp-client-http");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile Consumer<JsonNode> inbound;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile InputStream getStream;
    private volatile boolean closed;

    public StreamableHttpTransport(URI endpoint, Map<String, String> headers) {
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public void start(Consumer<JsonNode> inbound) {
        this.inbound = inbound;
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
            readers.execute(() -> answer(response, null));
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).whenComplete((response, failure) -> {
            if (failure != null) {
                deliver(error(id, "HTTP request failed: " + failure));
            } else {
                readers.execute(() -> answer(response, id));
            }
        });
    }

    @Override
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    @Override
    public void initialized() {
        readers.execute(this::openGetStream);
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
        InputStream get = getStream;
        if (get != null) {
            try {
                get.close();
            } catch (IOException e) {
                // Closing anyway.
            }
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

    private void answer(HttpResponse<InputStream> response, JsonNode requestId) {
        response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        int status = response.statusCode();
        AtomicBoolean answered = new AtomicBoolean();
        try (InputStream body = response.body()) {
            if (status >= 400) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                JsonNode error = parse(text);
                if (requestId != null) {
                    if (error != null && error.has("error")) {
                        ((ObjectNode) error).set("id", requestId);
                        deliver(error);
                    } else {
                        deliver(error(requestId, "HTTP " + status + ": " + text));
                    }
                }
                return;
            }
            if (type.startsWith("text/event-stream")) {
                new SseParser(event -> {
                    JsonNode message = parse(event.data());
                    if (message != null) {
                        if (requestId != null && !message.has("method") && requestId.equals(message.get("id"))) {
                            answered.set(true);
                        }
                        deliver(message);
                    }
                }).read(body);
            } else if (type.startsWith("application/json")) {
                JsonNode message = parse(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                if (message != null) {
                    answered.set(true);
                    deliver(message);
                }
            } else {
                body.readAllBytes();
            }
        } catch (IOException e) {
            if (closed) {
                return;
            }
        }
        if (requestId != null && !answered.get() && !closed) {
            deliver(error(requestId, "HTTP " + status + ": the response ended without an answer"));
        }
    }

    private void openGetStream() {
        if (closed) {
            return;
        }
        HttpRequest request = request().header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                response.body().close(); // 405: the server offers no GET stream.
                return;
            }
            getStream = response.body();
            try (InputStream body = response.body()) {
                new SseParser(event -> {
                    JsonNode message = parse(event.data());
                    if (message != null) {
                        deliver(message);
                    }
                }).read(body);
            }
        } catch (IOException e) {
            // The stream ended; server-initiated messages still arrive on POST responses.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(JsonNode message) {
        Consumer<JsonNode> to = inbound;
        if (to != null) {
            to.accept(message);
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = JsonRpcPeer.JSON.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode error(JsonNode id, String message) {
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        reply.set("id", id);
        reply.putObject("error").put("code", TRANSPORT_ERROR).put("message", message);
        return reply;
    }
}
