// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.McpServerEndpoint;

/**
 * A non-blocking listener on Jetty 12's NIO connector (its own {@link Server} and small {@link QueuedThreadPool}
 * per listener, one acceptor, one selector): a connection holds no thread while idle; reads run when the
 * selector reports input, writes are started by the sending thread. TLS 1.3 comes from Jetty's
 * {@link SslConnectionFactory}.
 */
final class TcpServer {

    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    /** How long a refused connection may take (TLS handshake and the error line). */
    private static final int REFUSE_TIMEOUT_MILLIS = 2_000;
    /** Pool threads: the acceptor, the selector and the reads and writes in progress (none of them blocks). */
    private static final int MAX_THREADS = 16;
    static final String PROTOCOL = "mcp-tcp";
    static final String REFUSED = "server at max_connections";

    private final McpServerEndpoint endpoint;
    private final TcpSettings settings;
    private final Server server;
    private final ServerConnector connector;
    private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();

    TcpServer(McpServerEndpoint endpoint, TcpSettings settings) throws IOException, GeneralSecurityException {
        this.endpoint = endpoint;
        this.settings = settings;
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2,
                (int) Math.min(Integer.MAX_VALUE, settings.threadKeepAliveMillis()));
        pool.setName("erlmcp-mcp-tcp-" + settings.port());
        pool.setDaemon(true);
        pool.setReservedThreads(0); // no parked reserve threads: an idle listener holds acceptor and selector only
        this.server = new Server(pool);
        ConnectionFactory mcp = new McpConnectionFactory();
        ConnectionFactory[] factories = settings.tls()
                ? new ConnectionFactory[] {new SslConnectionFactory(tls(settings), PROTOCOL), mcp}
                : new ConnectionFactory[] {mcp};
        this.connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setReuseAddress(true);
        connector.setAcceptQueueSize(128);
        connector.setIdleTimeout(settings.idleTimeoutMillis());
        server.addConnector(connector);
        try {
            connector.open();
        } catch (IOException e) {
            throw new IOException(TcpSettings.PID + " could not listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
    }

    private static SslContextFactory.Server tls(TcpSettings settings) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance(settings.keystoreType());
        char[] password = settings.keystorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(settings.keystore()))) {
            keys.load(in, password);
        }
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keys);
        ssl.setKeyStorePassword(settings.keystorePassword());
        ssl.setKeyManagerPassword(settings.keystorePassword());
        ssl.setProtocol("TLSv1.3");
        ssl.setIncludeProtocols("TLSv1.3");
        return ssl;
    }

    void start() throws IOException {
        try {
            server.start();
            // The scheduler (idle timeouts, the half-close grace) starts its thread on first use; start it now, so
            // the listener's thread count does not grow with its first connection.
            server.getScheduler().schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            stopQuietly();
            throw new IOException(TcpSettings.PID + " could not start on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        LOG.info("MCP TCP listening on {}:{}{}", settings.host(), port(), settings.tls() ? " (TLS 1.3)" : "");
    }

    int port() {
        return connector.getLocalPort();
    }

    void stop() {
        int port = port();
        for (TcpConnection c : List.copyOf(connections)) {
            c.close("the listener is stopping");
        }
        stopQuietly();
        LOG.info("MCP TCP stopped listening on {}:{}", settings.host(), port);
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("Stopping the listener failed", e);
        }
    }

    Set<TcpConnection> connections() {
        return connections;
    }

    /** Creates the MCP connection (on the decrypted end point, with TLS), or a refusal at max_connections. */
    private final class McpConnectionFactory extends AbstractConnectionFactory {

        McpConnectionFactory() {
            super(PROTOCOL);
        }

        @Override
        public Connection newConnection(Connector c, EndPoint endPoint) {
            synchronized (connections) {
                if (connections.size() < settings.maxConnections()) {
                    TcpConnection connection = new TcpConnection(endPoint, c.getExecutor(), c.getScheduler(),
                            c.getByteBufferPool(), endpoint, settings, connections::remove);
                    connections.add(connection);
                    return configure(connection, c, endPoint);
                }
            }
            LOG.warn("MCP TCP refused {}: {} connections open (max_connections)", endPoint.getRemoteSocketAddress(),
                    connections.size());
            return configure(new Refusal(endPoint, c), c, endPoint);
        }
    }

    /** Writes the one error line, then closes; bounded by {@link #REFUSE_TIMEOUT_MILLIS}. */
    private static final class Refusal extends AbstractConnection {

        Refusal(EndPoint endPoint, Connector connector) {
            super(endPoint, connector.getExecutor());
        }

        @Override
        public void onOpen() {
            super.onOpen();
            EndPoint end = getEndPoint();
            end.setIdleTimeout(REFUSE_TIMEOUT_MILLIS);
            byte[] error = TcpSettings.error(-32000, REFUSED);
            ByteBuffer line = ByteBuffer.allocate(error.length + 1).put(error).put((byte) '\n').flip();
            end.write(Callback.from(() -> {
                end.shutdownOutput();
                end.close();
            }, failure -> end.close()), line);
        }

        @Override
        public void onFillable() {
            getEndPoint().close(); // never fill-interested
        }
    }
}
