// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A blocking client connection carrying one JSON message at a time: over WebSocket (one text frame each, pings
 * answered with pongs) or over TCP (one line each). Used by the closed-loop {@link SocketLoadGenerator} and for
 * single checks; {@link IdleClients} is the non-blocking counterpart for many idle connections.
 */
abstract class MessageSocket implements AutoCloseable {

    static final int MAX_MESSAGE = 4 << 20;

    protected final Socket socket;
    protected final InputStream in;
    protected final OutputStream out;

    private MessageSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Sends one JSON message. */
    abstract void send(String json) throws IOException;

    /** @return the next JSON message from the server (blocks up to the socket's read timeout) */
    abstract String receive() throws IOException;

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Opens a connection to {@code url} ({@code ws://host:port/path} or {@code tcp://host:port}). */
    static MessageSocket open(String url, int timeoutMillis) throws IOException {
        java.net.URI uri = java.net.URI.create(url);
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            if ("ws".equals(uri.getScheme())) {
                return new Ws(socket, uri.getHost(), uri.getPort(), uri.getRawPath());
            }
            if ("tcp".equals(uri.getScheme())) {
                return new Lines(socket);
            }
            throw new IllegalArgumentException("not a ws:// or tcp:// URL: " + url);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** WebSocket, subprotocol {@code mcp}. */
    static final class Ws extends MessageSocket {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        Ws(Socket socket, String host, int port, String path) throws IOException {
            super(socket);
            String key = WsFrames.newKey();
            out.write(WsFrames.handshake(host, port, path, key, "mcp"));
            out.flush();
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed during the WebSocket handshake");
                }
                head.append((char) b);
                if (head.length() > 16384) {
                    throw new IOException("handshake answer too long");
                }
            }
            String problem = WsFrames.checkAnswer(head.substring(0, head.length() - 4), key);
            if (problem != null) {
                throw new IOException("WebSocket handshake failed: " + problem);
            }
        }

        @Override
        void send(String json) throws IOException {
            out.write(WsFrames.text(json));
            out.flush();
        }

        @Override
        String receive() throws IOException {
            message.reset();
            while (true) {
                int b0 = read();
                int b1 = read();
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (read() << 8) | read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | read();
                    }
                }
                if ((b1 & 0x80) != 0 || length > MAX_MESSAGE) {
                    throw new IOException("bad frame from the server");
                }
                byte[] payload = in.readNBytes((int) length);
                if (payload.length != length) {
                    throw new EOFException("connection closed in a frame");
                }
                int opcode = b0 & 0x0F;
                switch (opcode) {
                    case WsFrames.PING -> {
                        out.write(WsFrames.frame(WsFrames.PONG, payload));
                        out.flush();
                    }
                    case WsFrames.CLOSE -> throw new EOFException("the server closed the WebSocket");
                    case WsFrames.TEXT, WsFrames.CONTINUATION -> {
                        message.write(payload);
                        if ((b0 & 0x80) != 0) {
                            return message.toString(StandardCharsets.UTF_8);
                        }
                    }
                    default -> {
                        // pong or binary: not for us
                    }
                }
            }
        }

        private int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            return b;
        }
    }

    /** Newline-delimited JSON. */
    static final class Lines extends MessageSocket {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(Socket socket) throws IOException {
            super(socket);
        }

        @Override
        void send(String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            ByteBuffer message = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n');
            out.write(message.array());
            out.flush();
        }

        @Override
        String receive() throws IOException {
            line.reset();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                if (b == '\n') {
                    if (line.size() > 0) {
                        return line.toString(StandardCharsets.UTF_8);
                    }
                    continue;
                }
                if (line.size() >= MAX_MESSAGE) {
                    throw new IOException("line too long");
                }
                line.write(b);
            }
        }
    }
}
