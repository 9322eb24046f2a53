// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http;

/**
 * The node's HTTP server mounts every {@code org.eclipse.jetty.server.Handler} service that carries
 * {@link #PATH}. A request whose path equals the mount path or starts with it followed by {@code /} goes to that
 * handler (longest mount wins); the handler sees the full, unmodified request path. A handler registered or
 * unregistered while the server runs is mounted or unmounted at once, without restarting the server, so a
 * bundle that serves a path can be reloaded while the server keeps its connections.
 *
 * <p>Lifecycle: on mounting, the server calls {@code setServer} (so {@code getServer()} is usable from
 * {@code doStart}) and starts the handler as a managed bean of its request router; on unmounting, or when the
 * server stops, it stops the handler. A handler whose {@link #PATH} changes is moved without a restart. When two
 * handlers claim one path, the first mounted answers and the other takes over when it goes. {@code /health}
 * belongs to the server and cannot be mounted over.
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
