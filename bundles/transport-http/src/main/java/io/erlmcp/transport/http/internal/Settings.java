// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.util.List;
import java.util.Set;

/**
 * The endpoint's settings, validated; built from {@link Config} or directly by tests.
 *
 * @param path             the mount path, such as {@code /mcp}
 * @param policy           the Host/Origin allow-lists
 * @param maxBodyBytes     the largest POST body
 * @param keepAliveMillis  SSE comment interval, 0 for none
 * @param queueMessages    per-stream bound on queued messages
 * @param queueBytes       per-stream bound on queued bytes
 * @param protocolVersions accepted MCP-Protocol-Version values
 * @param strictAccept     whether wildcards in Accept are ignored
 */
record Settings(String path, OriginPolicy policy, long maxBodyBytes, long keepAliveMillis, int queueMessages,
        long queueBytes, Set<String> protocolVersions, boolean strictAccept) {

    Settings {
        if (path == null || !path.startsWith("/") || path.length() > 1 && path.endsWith("/")) {
            throw new IllegalArgumentException("erlmcp.http.path must start with / and not end with /: " + path);
        }
        if (maxBodyBytes <= 0 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max.body.bytes out of range: " + maxBodyBytes);
        }
        if (keepAliveMillis < 0) {
            throw new IllegalArgumentException("sse.keepalive.ms must not be negative: " + keepAliveMillis);
        }
        if (queueMessages <= 0 || queueBytes <= 0) {
            throw new IllegalArgumentException("sse.queue.messages and sse.queue.bytes must be positive");
        }
        protocolVersions = Set.copyOf(protocolVersions);
        if (protocolVersions.isEmpty()) {
            throw new IllegalArgumentException("protocol.versions must not be empty");
        }
    }

    static Settings from(Config c) {
        return new Settings(c.erlmcp_http_path(), new OriginPolicy(List.of(c.allowed_hosts()),
                List.of(c.allowed_origins())), c.max_body_bytes(), c.sse_keepalive_ms(), c.sse_queue_messages(),
                c.sse_queue_bytes(), Set.of(c.protocol_versions()), c.accept_strict());
    }

    /** The defaults of {@link Config}, for tests and embedders. */
    static Settings defaults() {
        return new Settings(Config.DEFAULT_PATH,
                new OriginPolicy(List.of("localhost", "127.0.0.1", "[::1]"),
                        List.of("http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1",
                                "http://[::1]", "https://[::1]")),
                Config.DEFAULT_MAX_BODY_BYTES, Config.DEFAULT_SSE_KEEPALIVE_MS, Config.DEFAULT_SSE_QUEUE_MESSAGES,
                Config.DEFAULT_SSE_QUEUE_BYTES, Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"),
                false);
    }

    Settings withPolicy(OriginPolicy p) {
        return new Settings(path, p, maxBodyBytes, keepAliveMillis, queueMessages, queueBytes, protocolVersions,
                strictAccept);
    }

    Settings withMaxBodyBytes(long max) {
        return new Settings(path, policy, max, keepAliveMillis, queueMessages, queueBytes, protocolVersions,
                strictAccept);
    }

    Settings withKeepAliveMillis(long ms) {
        return new Settings(path, policy, maxBodyBytes, ms, queueMessages, queueBytes, protocolVersions,
                strictAccept);
    }

    Settings withQueue(int messages, long bytes) {
        return new Settings(path, policy, maxBodyBytes, keepAliveMillis, messages, bytes, protocolVersions,
                strictAccept);
    }

    Settings withStrictAccept(boolean strict) {
        return new Settings(path, policy, maxBodyBytes, keepAliveMillis, queueMessages, queueBytes, protocolVersions,
                strict);
    }
}
