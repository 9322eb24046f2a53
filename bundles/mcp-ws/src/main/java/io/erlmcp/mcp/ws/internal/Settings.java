// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import java.util.Arrays;
import java.util.List;
import io.erlmcp.http.support.HttpAnswers;

/** The WebSocket transport's configuration, checked and immutable. */
record Settings(String path, long maxMessageBytes, List<String> allowedHosts, List<String> allowedOrigins,
        long pingIntervalMillis, long idleTimeoutMillis, int queueMaxMessages, long queueMaxBytes,
        long closeGraceMillis) {

    static final String PID = "io.erlmcp.mcp.ws";

    static final Settings DEFAULTS = new Settings("/mcp/ws", 4L << 20, List.of("localhost", "127.0.0.1", "[::1]"),
            List.of("http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1",
                    "http://[::1]", "https://[::1]"),
            15_000, 300_000, 1_000, 8L << 20, 2_000);

    Settings {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException(PID + " erlmcp.http.path must start with /, not " + path);
        }
        path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        positive("max_message_bytes", maxMessageBytes);
        if (maxMessageBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(PID + " max_message_bytes is too large: " + maxMessageBytes);
        }
        if (pingIntervalMillis < 0) {
            throw new IllegalArgumentException(PID + " ping_interval_seconds must not be negative");
        }
        positive("idle_timeout_seconds", idleTimeoutMillis);
        positive("queue_max_messages", queueMaxMessages);
        positive("queue_max_bytes", queueMaxBytes);
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static Settings from(McpWebSocketHandler.Config c) {
        return new Settings(c.erlmcp_http_path(), c.max_message_bytes(), Arrays.asList(c.allowed_hosts()),
                Arrays.asList(c.allowed_origins()), c.ping_interval_seconds() * 1000L,
                c.idle_timeout_seconds() * 1000L, c.queue_max_messages(), c.queue_max_bytes(), 2_000);
    }

    Settings with(long maxMessageBytes, long pingIntervalMillis, int queueMaxMessages, long queueMaxBytes) {
        return new Settings(path, maxMessageBytes, allowedHosts, allowedOrigins, pingIntervalMillis,
                idleTimeoutMillis, queueMaxMessages, queueMaxBytes, closeGraceMillis);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(PID + " " + name + " must be positive, not " + value);
        }
    }

    /** @return a JSON-RPC error response with {@code "id": null}, UTF-8 (message: plain ASCII, no quotes) */
    static byte[] error(int code, String message) {
        return HttpAnswers.jsonRpcError(code, message);
    }
}
