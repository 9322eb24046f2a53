// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.internal.StdioTransport;
import io.erlmcp.client.internal.StreamableHttpTransport;

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
}
