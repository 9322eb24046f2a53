// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http;

/**
 * The node's HTTP server mounts every {@code org.eclipse.jetty.server.Handler} service that carries
 * {@link #PATH}. A request whose path equals the mount path or starts with it followed by {@code /} goes to that
 * handler (longest mount wins); the handler sees the full, unmodified request path. A handler registered or
 * unregistered while the server runs is mounted or unmounted at once, without restarting the server, so a
 * bundle that serves a path can be reloaded while the server keeps its connections.
 *
 * <p>Handlers obey Jetty's contract: return {@code true} and complete the callback, or return {@code false}
 * and write nothing (404 follows).
 */
public final class HttpWhiteboard {

    /** Service property (String): the mount path, for example {@code /mcp}; must start with {@code /}. */
    public static final String PATH = "erlmcp.http.path";

    /**
     * Service property (String, optional): the name of the HTTP listener to mount on; {@code default} (the
     * listener on {@code ERLMCP_HTTP_PORT}) when absent.
     */
    public static final String LISTENER = "erlmcp.http.listener";

    /** The listener a handler without {@link #LISTENER} is mounted on. */
    public static final String DEFAULT_LISTENER = "default";

    private HttpWhiteboard() {
    }
}
