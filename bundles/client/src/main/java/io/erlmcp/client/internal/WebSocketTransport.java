// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * MCP over WebSocket, as {@code io.erlmcp.mcp.ws} serves it at {@code /mcp/ws}: offers the subprotocol {@code mcp},
 * sends one JSON-RPC message per text message and joins fragmented text messages from the server (up to
 * {@link #MAX_MESSAGE_CHARS}). {@code ws://} or {@code wss://} (with an optional {@link SSLContext}). Pings are
 * answered by the JDK. When the server closes the connection or it fails, {@code ended} is told why; {@link #start}
 * may be called again after that: a new connection.
 */
public final class WebSocketTransport extends ConnectionTransport<WebSocketTransport.Connection> {

    /** The subprotocol offered. */
    public static final String SUBPROTOCOL = "mcp";
    /** The longest text message accepted from the server, in chars; a longer one ends the connection. */
    public static final int MAX_MESSAGE_CHARS = 64 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI endpoint;
    private final Map<String, String> headers;
    private final HttpClient http;

    /** @param tls null for the JDK's default trust (wss) */
    public WebSocketTransport(URI endpoint, SSLContext tls, Map<String, String> headers) {
        this.endpoint = Endpoints.requireScheme(endpoint, "a WebSocket endpoint", "ws", "wss");
        this.headers = Map.copyOf(headers);
        this.http = Endpoints.httpClient(HttpClient.newBuilder().connectTimeout(TIMEOUT), tls);
    }

    @Override
    protected Connection open(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        Connection c = new Connection(inbound, ended);
        WebSocket.Builder b = http.newWebSocketBuilder().subprotocols(SUBPROTOCOL).connectTimeout(TIMEOUT);
        headers.forEach(b::header);
        WebSocket ws;
        try {
            ws = b.buildAsync(endpoint, c).get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException h) {
                Object body = h.getResponse().body();
                throw new IOException("WebSocket handshake with " + endpoint + " failed: HTTP "
                        + h.getResponse().statusCode() + (body == null ? "" : " " + body), cause);
            }
            throw new IOException("cannot open " + endpoint + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("cannot open " + endpoint + ": no handshake within " + 2 * TIMEOUT.toSeconds()
                    + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String selected = ws.getSubprotocol();
        if (!selected.isEmpty() && !selected.equals(SUBPROTOCOL)) {
            ws.abort();
            throw new IOException(endpoint + " selected subprotocol " + selected + ", not " + SUBPROTOCOL);
        }
        c.ws = ws;
        return c;
    }

    @Override
    protected String peer() {
        return endpoint.toString();
    }

    @Override
    public void send(JsonNode message) throws IOException {
        connection().send(JsonRpcPeer.JSON.writeValueAsString(message));
    }

    /** One WebSocket connection: joins text fragments and reports its end once. */
    final class Connection implements WebSocket.Listener, ConnectionTransport.Link {
        private final Consumer<JsonNode> inbound;
        private final Consumer<String> ended;
        private final StringBuilder text = new StringBuilder();
        private volatile WebSocket ws;
        private volatile boolean over;
        private volatile String endReason;

        Connection(Consumer<JsonNode> inbound, Consumer<String> ended) {
            this.inbound = inbound;
            this.ended = ended;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (text.length() + data.length() > MAX_MESSAGE_CHARS) {
                text.setLength(0);
                webSocket.abort();
                end("the server sent a message longer than " + MAX_MESSAGE_CHARS + " chars");
                return null;
            }
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                deliver(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // MCP messages are text; binary ones are ignored.
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end("the server closed the WebSocket (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
            // Answer the close frame, then let the connection go.
            if (webSocket.isOutputClosed()) {
                webSocket.abort();
            } else {
                webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((v, e) -> webSocket.abort());
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("the WebSocket failed: " + error);
            webSocket.abort();
        }

        void send(String json) throws IOException {
            WebSocket w = ws;
            synchronized (this) { // one send at a time, as java.net.http.WebSocket requires
                if (over || w == null || w.isOutputClosed()) {
                    String why = endReason;
                    throw new IOException("WebSocket to " + endpoint + " closed" + (why == null ? "" : ": " + why));
                }
                try {
                    w.sendText(json, true).get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw new IOException("sending on " + endpoint + " failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    w.abort();
                    throw new IOException("sending on " + endpoint + " timed out", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }

        @Override
        public void close() {
            over = true;
            WebSocket w = ws;
            if (w == null) {
                return;
            }
            // A clean close: our close frame, then the server's answer; abort if that takes more than 2 s.
            w.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((v, e) -> {
                if (e != null) {
                    w.abort();
                }
            });
            CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> {
                if (!w.isInputClosed()) {
                    w.abort();
                }
            });
        }

        private void deliver(String message) {
            JsonNode node = JsonRpcPeer.parse(message);
            if (node != null) { // not JSON: skipped
                inbound.accept(node);
            }
        }

        private void end(String reason) {
            endReason = reason;
            if (over) {
                return;
            }
            over = true;
            ended.accept(reason);
        }
    }
}
