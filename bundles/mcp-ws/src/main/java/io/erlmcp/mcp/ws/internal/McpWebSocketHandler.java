// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.server.Handler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.http.HttpWhiteboard;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.http.support.OriginPolicy;
import io.erlmcp.http.support.HttpAnswers;

/**
 * MCP over WebSocket at {@code /mcp/ws}, mounted on the node's Jetty server through the {@link HttpWhiteboard}.
 * Upgrades with Jetty 12 core WebSocket (no Servlets): subprotocol {@code mcp}, one JSON-RPC message per text
 * frame, one session per connection, the connection being both the standalone and the related channel.
 */
@Component(service = Handler.class, configurationPid = Settings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = HttpWhiteboard.PATH + "=/mcp/ws")
@Designate(ocd = McpWebSocketHandler.Config.class)
public final class McpWebSocketHandler extends WebSocketUpgradeHandler {

    /** The subprotocol this endpoint speaks ({@code Sec-WebSocket-Protocol: mcp}). */
    static final String SUBPROTOCOL = "mcp";

    @ObjectClassDefinition(name = "erlmcp MCP WebSocket", description = "The /mcp/ws endpoint")
    public @interface Config {
        @AttributeDefinition(name = "Path", description = "Mount path on the node's HTTP server ("
                + HttpWhiteboard.PATH + ")")
        String erlmcp_http_path() default "/mcp/ws";

        @AttributeDefinition(name = "Message limit", description = "Largest text message (and frame) in bytes; "
                + "a larger one closes the connection with 1009")
        long max_message_bytes() default 4L << 20;

        @AttributeDefinition(name = "Allowed hosts", description = "Host header names accepted (any port); * for all")
        String[] allowed_hosts() default {"localhost", "127.0.0.1", "[::1]"};

        @AttributeDefinition(name = "Allowed origins",
                description = "Origin values accepted; scheme://host matches any port; * for all")
        String[] allowed_origins() default {"http://localhost", "https://localhost", "http://127.0.0.1",
            "https://127.0.0.1", "http://[::1]", "https://[::1]"};

        @AttributeDefinition(name = "Ping interval", description = "Seconds between pings; a peer that has not "
                + "answered the previous ping by the next one is closed (1008); 0 disables pings")
        long ping_interval_seconds() default 15;

        @AttributeDefinition(name = "Idle timeout", description = "Seconds without any frame before Jetty closes "
                + "the connection")
        long idle_timeout_seconds() default 300;

        @AttributeDefinition(name = "Queue: messages", description = "Outgoing messages not yet written per "
                + "connection; one more closes the connection (1008)")
        int queue_max_messages() default 1_000;

        @AttributeDefinition(name = "Queue: bytes", description = "Outgoing bytes not yet written per connection; "
                + "more closes the connection (1008)")
        long queue_max_bytes() default 8L << 20;
    }

    private static final Logger LOG = LoggerFactory.getLogger(McpWebSocketHandler.class);

    private final McpServerEndpoint endpoint;
    private final Settings settings;
    private final OriginPolicy origins;
    private final ScheduledExecutorService timer;
    private final Set<WsConnection> connections = ConcurrentHashMap.newKeySet();

    @Activate
    public McpWebSocketHandler(@Reference McpServerEndpoint endpoint, Config config) {
        this(endpoint, Settings.from(config));
    }

    McpWebSocketHandler(McpServerEndpoint endpoint, Settings settings) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.origins = new OriginPolicy(settings.allowedHosts(), settings.allowedOrigins());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "erlmcp-mcp-ws-timer");
            t.setDaemon(true);
            return t;
        });
        // The whiteboard only routes our path here; every request under it is a candidate.
        addMapping("/*", new WebSocketNegotiator() {
            @Override
            public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response,
                    Callback callback) {
                if (request.hasSubProtocol(SUBPROTOCOL)) {
                    response.setAcceptedSubProtocol(SUBPROTOCOL);
                }
                WsConnection[] self = new WsConnection[1];
                self[0] = new WsConnection(endpoint, settings, timer, () -> connections.remove(self[0]));
                connections.add(self[0]);
                return self[0];
            }

            @Override
            public void customize(org.eclipse.jetty.websocket.core.Configuration configuration) {
                configuration.setMaxFrameSize(settings.maxMessageBytes());
                configuration.setMaxTextMessageSize(settings.maxMessageBytes());
                configuration.setMaxBinaryMessageSize(settings.maxMessageBytes());
                configuration.setIdleTimeout(Duration.ofMillis(settings.idleTimeoutMillis()));
                configuration.setAutoFragment(false);
            }
        });
    }

    @Deactivate
    void deactivate() {
        for (WsConnection c : List.copyOf(connections)) {
            c.close(CloseStatus.SHUTDOWN, "the MCP WebSocket endpoint is stopping");
        }
        timer.shutdownNow();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.equals(settings.path()) && !path.equals(settings.path() + "/")) {
            return false;
        }
        String refused = origins.check(request.getHeaders().get(HttpHeader.HOST),
                request.getHeaders().get(HttpHeader.ORIGIN));
        if (refused != null) {
            LOG.debug("Refused a WebSocket upgrade at {}: {}", path, refused);
            write(response, callback, 403, Settings.error(-32000, "Forbidden: " + refused));
            return true;
        }
        List<String> offered = request.getHeaders().getCSV(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, true);
        if (!offered.isEmpty() && !offered.contains(SUBPROTOCOL)) {
            write(response, callback, 400, Settings.error(-32000, "Bad Request: this endpoint speaks the "
                    + SUBPROTOCOL + " subprotocol, not " + String.join(", ", offered)));
            return true;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE))
                || "CONNECT".equals(request.getMethod()); // RFC 8441 (HTTP/2), should a connector offer it
        if (upgrade) {
            try {
                if (super.handle(request, response, callback)) {
                    return true;
                }
            } catch (Throwable failure) {
                LOG.debug("WebSocket upgrade failed", failure);
                Response.writeError(request, response, callback, failure);
                return true;
            }
        }
        response.getHeaders().put(HttpHeader.UPGRADE, "websocket");
        write(response, callback, 426, Settings.error(-32000, "Upgrade Required: " + path
                + " speaks WebSocket (subprotocol " + SUBPROTOCOL + ")"));
        return true;
    }

    private static void write(Response response, Callback callback, int status, byte[] body) {
        HttpAnswers.write(response, callback, status, body);
    }

    /** @return the open connections (tests) */
    Set<WsConnection> connections() {
        return connections;
    }
}
