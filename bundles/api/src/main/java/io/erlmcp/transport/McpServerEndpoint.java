// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The MCP server engine as a transport sees it. Registered as an OSGi service by the core bundle; every
 * transport binds to it. Thread-safe: transports call it from their own I/O threads.
 */
@ProviderType
public interface McpServerEndpoint {

    /**
     * Parses one transport frame (an HTTP body, a line, a WebSocket text frame) without acting on it, so a
     * transport can route it (does it create a session? does it need a response stream?) before handing it to
     * a session. Never throws for bad input: malformed JSON or an invalid JSON-RPC envelope gives an
     * {@link Inbound} whose {@link Inbound#errorResponse()} is the error to send back.
     *
     * @param frame UTF-8 JSON text, not retained after the call
     */
    Inbound parse(byte[] frame);

    /**
     * Opens a session. Connection-oriented transports (stdio, TCP, WebSocket, legacy SSE) open one per
     * connection; Streamable HTTP opens one when it receives an {@code initialize} request without a session id.
     *
     * @param transport describes the connection, for logs, limits and the shell
     * @param standalone where the session sends messages that belong to no request (list_changed, resource
     *                   updates, log messages outside a call, server requests made outside a call). For
     *                   Streamable HTTP this is the GET stream and may be replaced later with
     *                   {@link ServerSession#attachStandalone(MessageChannel)}; {@code null} means "none yet".
     */
    ServerSession open(TransportInfo transport, MessageChannel standalone);

    /** @return the open session with this id, or empty when it is unknown or ended */
    Optional<ServerSession> find(String sessionId);
}
