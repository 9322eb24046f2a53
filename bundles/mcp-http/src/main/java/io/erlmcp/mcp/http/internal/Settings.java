// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.Arrays;
import java.util.List;

/** The transport's configuration, checked and immutable. */
record Settings(String path, long maxBodyBytes, List<String> allowedHosts, List<String> allowedOrigins,
        long keepAliveMillis, long retryMillis, long sseQueueBytes) {

    static final Settings DEFAULTS = new Settings("/mcp", 4L << 20, List.of("localhost", "127.0.0.1", "[::1]"),
            List.of("http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1",
                    "http://[::1]", "https://[::1]"),
            15_000, 1_000, 4L << 20);

    Settings {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("io.erlmcp.mcp.http erlmcp.http.path must start with /, not " + path);
        }
        path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        positive("max_body_bytes", maxBodyBytes);
        positive("keep_alive_seconds", keepAliveMillis);
        positive("sse_retry_millis", retryMillis);
        positive("sse_queue_max_bytes", sseQueueBytes);
        if (maxBodyBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("io.erlmcp.mcp.http max_body_bytes is too large: " + maxBodyBytes);
        }
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static Settings from(McpHttpHandler.Config c) {
        return new Settings(c.erlmcp_http_path(), c.max_body_bytes(), Arrays.asList(c.allowed_hosts()),
                Arrays.asList(c.allowed_origins()),
                c.keep_alive_seconds() * 1000L, c.sse_retry_millis(), c.sse_queue_max_bytes());
    }

    Settings withKeepAliveMillis(long millis) {
        return new Settings(path, maxBodyBytes, allowedHosts, allowedOrigins, millis, retryMillis, sseQueueBytes);
    }

    Settings withMaxBodyBytes(long bytes) {
        return new Settings(path, bytes, allowedHosts, allowedOrigins, keepAliveMillis, retryMillis, sseQueueBytes);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("io.erlmcp.mcp.http " + name + " must be positive, not " + value);
        }
    }
}
