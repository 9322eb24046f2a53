// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * MCP over TCP, as {@code io.erlmcp.mcp.tcp} serves it: one JSON-RPC message per line ({@code \n}, a {@code \r}
 * before it is dropped), one session per connection. With an {@link SSLContext} the connection is TLS 1.3 only and
 * the server's certificate must match the host (endpoint identification as for HTTPS). A line that is not JSON is
 * skipped; a line longer than {@link #MAX_LINE_BYTES} is discarded. When the server closes the connection the
 * {@code ended} callback is told why, with the server's last {@code "id": null} error if it sent one just before
 * (say, {@code server at max_connections}). {@link #start} may be called again after that: a new connection.
 */
public final class TcpTransport extends ConnectionTransport<TcpTransport.Connection> {

    /** The longest line read from the server. */
    public static final int MAX_LINE_BYTES = 64 << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final SSLContext tls;

    /** @param tls null for plain TCP */
    public TcpTransport(String host, int port, SSLContext tls) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    @Override
    protected Connection open(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        return new Connection(connect(), inbound, ended);
    }

    @Override
    protected void opened(Connection connection) {
        connection.startReading();
    }

    @Override
    protected String peer() {
        return host + ":" + port;
    }

    @Override
    public void send(JsonNode message) throws IOException {
        connection().write(JsonRpcPeer.JSON.writeValueAsBytes(message));
    }

    private Socket connect() throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            plain.setTcpNoDelay(true);
            if (tls == null) {
                return plain;
            }
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters params = socket.getSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3"});
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
            socket.startHandshake();
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException e) {
            plain.close();
            throw new IOException("cannot connect to " + host + ":" + port + (tls == null ? "" : " (TLS)") + ": "
                    + e.getMessage(), e);
        }
    }

    /** One connection: its socket, its reader thread and its writer. */
    final class Connection implements ConnectionTransport.Link {
        private final Socket socket;
        private final OutputStream out;
        private final Consumer<JsonNode> inbound;
        private final Consumer<String> ended;
        private volatile boolean closing;
        private volatile String lastServerError;
        private volatile String endReason;
        private final CountDownLatch readerDone = new CountDownLatch(1);

        Connection(Socket socket, Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            this.inbound = inbound;
            this.ended = ended;
        }

        void startReading() {
            Thread t = new Thread(this::read, "erlmcp-client-tcp-" + host + ":" + port);
            t.setDaemon(true);
            t.start();
        }

        void write(byte[] json) throws IOException {
            synchronized (out) {
                if (closing || socket.isClosed()) {
                    String why = endReason;
                    throw new IOException("connection to " + host + ":" + port + " closed"
                            + (why == null ? "" : ": " + why));
                }
                try {
                    out.write(json);
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    // The server may have closed with a reason (its refusal line): give the reader a moment to read it.
                    awaitReader();
                    String why = endReason;
                    throw why == null ? e : new IOException(e.getMessage() + ": " + why, e);
                }
            }
        }

        private void awaitReader() {
            try {
                readerDone.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            closing = true;
            try {
                socket.close();
            } catch (IOException e) {
                // Closed anyway.
            }
        }

        private void read() {
            String reason;
            try (InputStream in = new BufferedInputStream(socket.getInputStream(), 8192)) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                boolean overLong = false;
                int b;
                while ((b = in.read()) >= 0) {
                    if (b != '\n') {
                        if (line.size() < MAX_LINE_BYTES) {
                            line.write(b);
                        } else {
                            overLong = true;
                        }
                        continue;
                    }
                    if (!overLong) {
                        line(line.toString(StandardCharsets.UTF_8));
                    }
                    line.reset();
                    overLong = false;
                }
                String last = lastServerError;
                reason = "the server closed the connection" + (last == null ? "" : " (" + last + ")");
            } catch (IOException e) {
                reason = "reading from " + host + ":" + port + " failed: " + e.getMessage();
            }
            endReason = reason;
            readerDone.countDown();
            try {
                socket.close();
            } catch (IOException e) {
                // Closed anyway.
            }
            if (!closing) {
                closing = true;
                ended.accept(reason);
            }
        }

        private void line(String text) {
            JsonNode message = JsonRpcPeer.parse(text);
            if (message == null) {
                return; // Blank or not JSON: skipped.
            }
            JsonNode id = message.get("id");
            JsonNode error = message.get("error");
            lastServerError = id != null && id.isNull() && error != null && error.isObject()
                    ? error.path("message").asText() + " " + error.path("code").asInt()
                    : null;
            inbound.accept(message);
        }
    }
}
