// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import java.util.Arrays;
import java.util.List;

/** The transport's configuration, checked and immutable. */
record Settings(String ssePath, String messagesPath, long maxBodyBytes, List<String> allowedHosts,
        List<String> allowedOrigins, long keepAliveMillis, long queueBytes, int queueEvents) {

    static final Settings DEFAULTS = new Settings("/sse", "/messages", 4L << 20,
            List.of("localhost", "127.0.0.1", "[::1]"),
            List.of("http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1",
                    "http://[::1]", "https://[::1]"),
            15_000, 4L << 20, 1_000);

    Settings {
        ssePath = path("erlmcp.http.path", ssePath);
        messagesPath = path("messages_path", messagesPath);
        if (ssePath.equals(messagesPath)) {
            throw new IllegalArgumentException(SseTransport.PID + " erlmcp.http.path and messages_path must differ");
        }
        positive("max_body_bytes", maxBodyBytes);
        positive("keep_alive_seconds", keepAliveMillis);
        positive("sse_queue_max_bytes", queueBytes);
        positive("sse_queue_max_events", queueEvents);
        if (maxBodyBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(SseTransport.PID + " max_body_bytes is too large: " + maxBodyBytes);
        }
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static Settings from(SseTransport.Config c) {
        return new Settings(c.erlmcp_http_path(), c.messages_path(), c.max_body_bytes(),
                Arrays.asList(c.allowed_hosts()), Arrays.asList(c.allowed_origins()), c.keep_alive_seconds() * 1000L,
                c.sse_queue_max_bytes(), c.sse_queue_max_events());
    }

    Settings withKeepAliveMillis(long millis) {
        return new Settings(ssePath, messagesPath, maxBodyBytes, allowedHosts, allowedOrigins, millis, queueBytes,
                queueEvents);
    }

    Settings withMaxBodyBytes(long bytes) {
        return new Settings(ssePath, messagesPath, bytes, allowedHosts, allowedOrigins, keepAliveMillis, queueBytes,
                queueEvents);
    }

    Settings withQueue(long bytes, int events) {
        return new Settings(ssePath, messagesPath, maxBodyBytes, allowedHosts, allowedOrigins, keepAliveMillis, bytes,
                events);
    }

    private static String path(String name, String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException(SseTransport.PID + " " + name + " must start with /, not " + path);
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(SseTransport.PID + " " + name + " must be positive, not " + value);
        }
    }
}
