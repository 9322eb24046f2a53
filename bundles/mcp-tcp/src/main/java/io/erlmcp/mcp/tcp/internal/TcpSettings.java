// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.nio.charset.StandardCharsets;

/** A TCP listener's configuration, checked and immutable. */
record TcpSettings(String host, int port, int maxLineBytes, int maxConnections, long idleTimeoutMillis,
        int queueMaxMessages, long queueMaxBytes, String keystore, String keystorePassword, String keystoreType,
        long threadKeepAliveMillis) {

    static final String PID = "io.erlmcp.mcp.tcp";

    TcpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(PID + " host must be set");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PID + " port must be 0..65535, not " + port);
        }
        positive("max_line_bytes", maxLineBytes);
        positive("max_connections", maxConnections);
        positive("idle_timeout_seconds", idleTimeoutMillis);
        positive("queue_max_messages", queueMaxMessages);
        positive("queue_max_bytes", queueMaxBytes);
        keystore = keystore == null ? "" : keystore.trim();
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        keystoreType = keystoreType == null || keystoreType.isBlank() ? "PKCS12" : keystoreType.trim();
    }

    static TcpSettings from(TcpTransport.Config c) {
        return new TcpSettings(c.host(), c.port(), c.max_line_bytes(), c.max_connections(),
                c.idle_timeout_seconds() * 1000L, c.queue_max_messages(), c.queue_max_bytes(), c.tls_keystore(),
                c.tls_keystore_password(), c.tls_keystore_type(), 60_000);
    }

    /** Defaults on 127.0.0.1:0, plain TCP, for tests. */
    static TcpSettings local() {
        return new TcpSettings("127.0.0.1", 0, 64 * 1024, 10, 300_000, 100, 1L << 20, "", "", "PKCS12", 200);
    }

    TcpSettings withMaxConnections(int max) {
        return new TcpSettings(host, port, maxLineBytes, max, idleTimeoutMillis, queueMaxMessages, queueMaxBytes,
                keystore, keystorePassword, keystoreType, threadKeepAliveMillis);
    }

    TcpSettings withIdleTimeoutMillis(long millis) {
        return new TcpSettings(host, port, maxLineBytes, maxConnections, millis, queueMaxMessages, queueMaxBytes,
                keystore, keystorePassword, keystoreType, threadKeepAliveMillis);
    }

    TcpSettings withQueue(int messages, long bytes) {
        return new TcpSettings(host, port, maxLineBytes, maxConnections, idleTimeoutMillis, messages, bytes,
                keystore, keystorePassword, keystoreType, threadKeepAliveMillis);
    }

    TcpSettings withTls(String path, String password, String type) {
        return new TcpSettings(host, port, maxLineBytes, maxConnections, idleTimeoutMillis, queueMaxMessages,
                queueMaxBytes, path, password, type, threadKeepAliveMillis);
    }

    boolean tls() {
        return !keystore.isEmpty();
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(PID + " " + name + " must be positive, not " + value);
        }
    }

    /** @return a JSON-RPC error response line body with {@code "id": null}, UTF-8 (message: no quotes) */
    static byte[] error(int code, String message) {
        return ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
