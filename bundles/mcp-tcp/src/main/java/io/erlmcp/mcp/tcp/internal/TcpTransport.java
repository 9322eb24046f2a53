// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.erlmcp.transport.McpServerEndpoint;

/**
 * One MCP TCP listener per factory configuration {@code io.erlmcp.mcp.tcp} (the runtime ships
 * {@code etc/io.erlmcp.mcp.tcp-default.cfg} on {@code ERLMCP_TCP_PORT}): newline-delimited JSON-RPC, one session per
 * connection, plain TCP or TLS 1.3 when a keystore is configured.
 */
@Component(service = {}, configurationPid = TcpSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true) // no service: the component exists to run the listener
@Designate(ocd = TcpTransport.Config.class, factory = true)
public final class TcpTransport {

    @ObjectClassDefinition(name = "erlmcp MCP TCP listener",
            description = "Newline-delimited JSON-RPC over TCP (TLS 1.3 with a keystore); one per configuration")
    public @interface Config {
        String DEFAULT_HOST = "127.0.0.1";
        int DEFAULT_PORT = 9000;
        int DEFAULT_MAX_LINE_BYTES = 4 << 20;
        int DEFAULT_MAX_CONNECTIONS = 1000;
        long DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
        int DEFAULT_QUEUE_MAX_MESSAGES = 1000;
        long DEFAULT_QUEUE_MAX_BYTES = 8L << 20;
        String DEFAULT_KEYSTORE_TYPE = "PKCS12";

        @AttributeDefinition(name = "Host", description = "Address to bind; 127.0.0.1 keeps the listener local")
        String host() default DEFAULT_HOST;

        @AttributeDefinition(name = "Port", description = "TCP port; 0 picks a free one")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(name = "Line limit", description = "Longest input line in bytes; a longer one is "
                + "answered with -32600 and discarded")
        int max_line_bytes() default DEFAULT_MAX_LINE_BYTES;

        @AttributeDefinition(name = "Maximum connections", description = "Open connections; one more gets a "
                + "JSON-RPC error line (server at max_connections) and is closed")
        int max_connections() default DEFAULT_MAX_CONNECTIONS;

        @AttributeDefinition(name = "Idle timeout", description = "Seconds without reading or writing anything "
                + "before the connection is closed")
        long idle_timeout_seconds() default DEFAULT_IDLE_TIMEOUT_SECONDS;

        @AttributeDefinition(name = "Queue: messages", description = "Outgoing messages not yet written per "
                + "connection; one more closes the connection")
        int queue_max_messages() default DEFAULT_QUEUE_MAX_MESSAGES;

        @AttributeDefinition(name = "Queue: bytes", description = "Outgoing bytes not yet written per connection; "
                + "more closes the connection")
        long queue_max_bytes() default DEFAULT_QUEUE_MAX_BYTES;

        @AttributeDefinition(name = "TLS keystore", description = "Path of the keystore with the server key; "
                + "empty: plain TCP. Set: TLS 1.3 only")
        String tls_keystore() default "";

        @AttributeDefinition(name = "TLS keystore password", type = AttributeType.PASSWORD,
                description = "Password of the keystore (and of the key)")
        String tls_keystore_password() default "";

        @AttributeDefinition(name = "TLS keystore type", description = "PKCS12 or JKS")
        String tls_keystore_type() default DEFAULT_KEYSTORE_TYPE;
    }

    private final TcpServer server;

    @Activate
    public TcpTransport(@Reference McpServerEndpoint endpoint, Config config)
            throws IOException, GeneralSecurityException {
        this.server = new TcpServer(endpoint, TcpSettings.from(config));
        server.start();
    }

    @Deactivate
    void deactivate() {
        server.stop();
    }
}
