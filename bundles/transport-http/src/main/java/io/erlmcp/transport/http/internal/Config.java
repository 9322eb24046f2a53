// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Streamable HTTP endpoint (PID {@value StreamableHttpComponent#PID}). */
@ObjectClassDefinition(name = "erlmcp Streamable HTTP transport",
        description = "The MCP endpoint (POST, GET, DELETE) mounted on the node's HTTP server.")
@interface Config {

    String DEFAULT_PATH = "/mcp";
    long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
    long DEFAULT_SSE_KEEPALIVE_MS = 15_000;
    int DEFAULT_SSE_QUEUE_MESSAGES = 1024;
    long DEFAULT_SSE_QUEUE_BYTES = 16L * 1024 * 1024;

    @AttributeDefinition(name = "Path",
            description = "Mount path on the HTTP server (service property erlmcp.http.path).")
    String erlmcp_http_path() default DEFAULT_PATH;

    @AttributeDefinition(name = "Listener",
            description = "Name of the HTTP listener to mount on (erlmcp.http.listener).")
    String erlmcp_http_listener() default "default";

    @AttributeDefinition(name = "Allowed hosts", description = "Host header values accepted: name (any port) or "
            + "name:port, IPv6 in brackets; * allows any. Anything else gets 403 (DNS rebinding guard).")
    String[] allowed_hosts() default {"localhost", "127.0.0.1", "[::1]"};

    @AttributeDefinition(name = "Allowed origins", description = "Origin header values accepted: scheme://name "
            + "(any port) or scheme://name:port; * allows any. Requests without Origin are always accepted.")
    String[] allowed_origins() default {"http://localhost", "https://localhost", "http://127.0.0.1",
            "https://127.0.0.1", "http://[::1]", "https://[::1]"};

    @AttributeDefinition(name = "Maximum body", description = "Largest POST body in bytes; larger gets 413.")
    long max_body_bytes() default DEFAULT_MAX_BODY_BYTES;

    @AttributeDefinition(name = "SSE keep-alive", description = "Milliseconds between SSE comment lines on an idle "
            + "stream; 0 disables them.")
    long sse_keepalive_ms() default DEFAULT_SSE_KEEPALIVE_MS;

    @AttributeDefinition(name = "SSE queue (messages)", description = "Messages a stream may hold for a slow "
            + "client before the stream is ended.")
    int sse_queue_messages() default DEFAULT_SSE_QUEUE_MESSAGES;

    @AttributeDefinition(name = "SSE queue (bytes)", description = "Bytes a stream may hold for a slow client "
            + "before the stream is ended.")
    long sse_queue_bytes() default DEFAULT_SSE_QUEUE_BYTES;

    @AttributeDefinition(name = "Protocol versions", description = "MCP-Protocol-Version values accepted on "
            + "requests after initialize; others get 400.")
    String[] protocol_versions() default {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};

    @AttributeDefinition(name = "Strict Accept", description = "When true, POST must list application/json and "
            + "text/event-stream literally (GET: text/event-stream); when false, */* and type/* also count.")
    boolean accept_strict() default false;
}
