// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.internal.LegacySseTransport;
import io.erlmcp.client.internal.StdioTransport;
import io.erlmcp.client.internal.StreamableHttpTransport;
import io.erlmcp.client.internal.TcpTransport;
import io.erlmcp.client.internal.WebSocketTransport;

/**
 * Carries JSON-RPC messages between an {@link McpClient} and one server. Messages from the server (answers,
 * requests, notifications) go to the consumer given to {@link #start}, on a transport thread.
 */
public interface ClientTransport extends AutoCloseable {

    /** Opens the transport; {@code inbound} receives every message from the server. */
    void start(Consumer<JsonNode> inbound) throws IOException;

    /**
     * Opens the transport; {@code inbound} receives every message from the server and {@code ended} is told, with a
     * reason, when the server side ends for good (say, the stdio process exits), so waiting requests fail at once.
     * Unless overridden, {@code ended} is never called.
     */
    default void start(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        start(inbound);
    }

    /** Sends one message (request, notification or answer); answers arrive through the inbound consumer. */
    void send(JsonNode message) throws IOException;

    /** Called with the negotiated protocol version, before notifications/initialized is sent. */
    default void protocolVersion(String protocolVersion) {
    }

    /** Called once notifications/initialized is sent: the session is ready (HTTP opens its GET stream here). */
    default void initialized() {
    }

    /**
     * True if {@link #start(Consumer, Consumer)} may be called again after the transport ended on its own, opening
     * a new connection (and so a new session): what {@link McpClient.Builder#reconnect} needs. False unless
     * overridden.
     */
    default boolean reconnectable() {
        return false;
    }

    /** Ends the session and releases the transport's resources. */
    @Override
    void close();

    /** The Streamable HTTP transport to the MCP endpoint at {@code endpoint}. */
    static ClientTransport streamableHttp(URI endpoint) {
        return new StreamableHttpTransport(endpoint, Map.of());
    }

    /** The Streamable HTTP transport, sending {@code headers} (say, Authorization) with every request. */
    static ClientTransport streamableHttp(URI endpoint, Map<String, String> headers) {
        return new StreamableHttpTransport(endpoint, headers);
    }

    /** The stdio transport: spawns {@code command} with {@code env} added to its environment. */
    static ClientTransport stdio(List<String> command, Map<String, String> env) {
        return new StdioTransport(command, env, null);
    }

    /** The stdio transport, giving each line the process writes to stderr to {@code stderr}. */
    static ClientTransport stdio(List<String> command, Map<String, String> env, Consumer<String> stderr) {
        return new StdioTransport(command, env, stderr);
    }

    /**
     * The Streamable HTTP transport with {@code headers} on every request and {@code reconnect} governing how
     * SSE streams that end too early are resumed ({@link SseReconnectPolicy#DEFAULT} in the other overloads).
     */
    static ClientTransport streamableHttp(URI endpoint, Map<String, String> headers, SseReconnectPolicy reconnect) {
        return new StreamableHttpTransport(endpoint, headers, reconnect);
    }

    /**
     * The Streamable HTTP transport to an {@code https} endpoint whose certificate {@code tls} trusts (say, a
     * private CA or a node's self-signed keystore), with {@code headers} on every request.
     */
    static ClientTransport streamableHttp(URI endpoint, SSLContext tls, Map<String, String> headers) {
        return new StreamableHttpTransport(endpoint, headers, SseReconnectPolicy.DEFAULT, tls);
    }

    /**
     * MCP over TCP (erlmcp's {@code io.erlmcp.mcp.tcp}): newline-delimited JSON-RPC, one session per connection.
     * Reconnectable.
     */
    static ClientTransport tcp(String host, int port) {
        return new TcpTransport(host, port, null);
    }

    /**
     * MCP over TCP with TLS 1.3 only; {@code tls} decides whom to trust (the server's certificate must also match
     * {@code host}). Reconnectable.
     */
    static ClientTransport tcp(String host, int port, SSLContext tls) {
        return new TcpTransport(host, port, Objects.requireNonNull(tls, "tls"));
    }

    /**
     * MCP over WebSocket ({@code ws://} or {@code wss://}, say {@code ws://127.0.0.1:8080/mcp/ws}): subprotocol
     * {@code mcp}, one JSON-RPC message per text message. Reconnectable.
     */
    static ClientTransport webSocket(URI endpoint) {
        return new WebSocketTransport(endpoint, null, Map.of());
    }

    /** MCP over WebSocket, trusting what {@code tls} trusts for {@code wss://}. Reconnectable. */
    static ClientTransport webSocket(URI endpoint, SSLContext tls) {
        return new WebSocketTransport(endpoint, Objects.requireNonNull(tls, "tls"), Map.of());
    }

    /** MCP over WebSocket with {@code headers} (say, Authorization) on the handshake. Reconnectable. */
    static ClientTransport webSocket(URI endpoint, Map<String, String> headers) {
        return new WebSocketTransport(endpoint, null, headers);
    }

    /**
     * MCP over WebSocket with {@code headers} (say, Authorization) on the handshake; {@code tls} may be null (the
     * JDK's default trust). Reconnectable.
     */
    static ClientTransport webSocket(URI endpoint, SSLContext tls, Map<String, String> headers) {
        return new WebSocketTransport(endpoint, tls, headers);
    }

    /**
     * The HTTP+SSE transport of MCP 2024-11-05 for servers that predate Streamable HTTP: {@code sseEndpoint} is the
     * GET stream (say {@code http://127.0.0.1:8080/sse}); messages are POSTed where its {@code endpoint} event says.
     * Reconnectable.
     */
    static ClientTransport legacySse(URI sseEndpoint) {
        return new LegacySseTransport(sseEndpoint, null, Map.of());
    }

    /** The HTTP+SSE transport with {@code headers} (say, Authorization) on the GET and every POST. Reconnectable. */
    static ClientTransport legacySse(URI sseEndpoint, Map<String, String> headers) {
        return new LegacySseTransport(sseEndpoint, null, headers);
    }

    /**
     * The HTTP+SSE transport with {@code headers} (say, Authorization) on the GET and every POST; {@code tls} may be
     * null (the JDK's default trust for https). Reconnectable.
     */
    static ClientTransport legacySse(URI sseEndpoint, SSLContext tls, Map<String, String> headers) {
        return new LegacySseTransport(sseEndpoint, tls, headers);
    }
}
