// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.McpServerEndpoint;

/**
 * A blocking-socket listener: one acceptor thread, and a pool bounded at {@code 2 × max_connections} threads
 * (each connection holds one reader and at most one writer at a time). Idle pool threads end after a while, so
 * a quiet listener holds only its acceptor.
 */
final class TcpServer {

    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    /** How long the acceptor spends refusing one connection (TLS handshake and the error line). */
    private static final int REFUSE_TIMEOUT_MILLIS = 2_000;
    static final String REFUSED = "server at max_connections";

    private final McpServerEndpoint endpoint;
    private final TcpSettings settings;
    private final ServerSocket listener;
    private final ThreadPoolExecutor pool;
    private final Thread acceptor;
    private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    TcpServer(McpServerEndpoint endpoint, TcpSettings settings) throws IOException, GeneralSecurityException {
        this.endpoint = endpoint;
        this.settings = settings;
        ServerSocket socket = settings.tls() ? tlsSocket(settings) : new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException(TcpSettings.PID + " could not listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        this.listener = socket;
        AtomicInteger n = new AtomicInteger();
        int port = socket.getLocalPort();
        this.pool = new ThreadPoolExecutor(0, 2 * settings.maxConnections(), settings.threadKeepAliveMillis(),
                TimeUnit.MILLISECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "erlmcp-mcp-tcp-" + port + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "erlmcp-mcp-tcp-" + port + "-acceptor");
        acceptor.setDaemon(true);
    }

    private static ServerSocket tlsSocket(TcpSettings settings) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance(settings.keystoreType());
        char[] password = settings.keystorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(settings.keystore()))) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        return socket;
    }

    void start() {
        acceptor.start();
        LOG.info("MCP TCP listening on {}:{}{}", settings.host(), port(), settings.tls() ? " (TLS 1.3)" : "");
    }

    int port() {
        return listener.getLocalPort();
    }

    void stop() {
        running = false;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("Closing the listener failed", e);
        }
        for (TcpConnection c : List.copyOf(connections)) {
            c.close("the listener is stopping");
        }
        pool.shutdownNow();
        try {
            acceptor.join(2_000);
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("MCP TCP stopped listening on {}:{}", settings.host(), port());
    }

    Set<TcpConnection> connections() {
        return connections;
    }

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("MCP TCP accept failed on port {}", port(), e);
                    pause();
                }
                continue;
            }
            if (connections.size() >= settings.maxConnections()) {
                refuse(socket);
                continue;
            }
            TcpConnection connection = new TcpConnection(socket, endpoint, settings, pool, connections::remove);
            connections.add(connection);
            try {
                pool.execute(connection::run);
            } catch (RejectedExecutionException e) {
                connection.close("no thread for the connection");
            }
        }
    }

    private void refuse(Socket socket) {
        LOG.warn("MCP TCP refused {}: {} connections open (max_connections)", socket.getRemoteSocketAddress(),
                connections.size());
        try (socket) {
            socket.setSoTimeout(REFUSE_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(TcpSettings.error(-32000, REFUSED));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.debug("Refusing a connection failed", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
