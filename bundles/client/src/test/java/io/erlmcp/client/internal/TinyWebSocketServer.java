// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ServerSocketFactory;

/**
 * A small RFC 6455 server on a plain socket, for the client's tests: full control over the handshake answer and
 * the frames (fragmentation, pings between fragments, close frames, an abrupt end).
 */
final class TinyWebSocketServer implements Closeable {

    static final int TEXT = 1;
    static final int CONTINUATION = 0;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    /** What the server does with one upgraded connection. */
    @FunctionalInterface
    interface Handler {
        void handle(Peer peer) throws Exception;
    }

    /** One connection after the handshake. */
    static final class Peer {
        final Map<String, String> headers;
        final int connection;
        final List<String> pongs = new CopyOnWriteArrayList<>();
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Peer(Socket socket, DataInputStream in, Map<String, String> headers, int connection) throws IOException {
            this.socket = socket;
            this.in = in;
            this.out = socket.getOutputStream();
            this.headers = headers;
            this.connection = connection;
        }

        /** The next text message (fragments joined; pings answered, pongs recorded), or null at a close. */
        String readMessage() throws IOException {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0f;
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) == 0) {
                    throw new IOException("an unmasked client frame");
                }
                in.readFully(mask);
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                switch (opcode) {
                    case PING -> frame(PONG, true, payload);
                    case PONG -> pongs.add(new String(payload, StandardCharsets.UTF_8));
                    case CLOSE -> {
                        frame(CLOSE, true, payload);
                        return null;
                    }
                    default -> {
                        message.write(payload);
                        if (fin) {
                            return message.toString(StandardCharsets.UTF_8);
                        }
                    }
                }
            }
        }

        /** One unmasked frame. */
        synchronized void frame(int opcode, boolean fin, byte[] payload) throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                f.write(payload.length);
            } else if (payload.length < 65536) {
                f.write(126);
                f.write(payload.length >>> 8);
                f.write(payload.length & 0xff);
            } else {
                f.write(127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    f.write((int) ((long) payload.length >>> shift) & 0xff);
                }
            }
            f.write(payload);
            out.write(f.toByteArray());
            out.flush();
        }

        /** {@code text} as {@code parts} fragments, with a ping between the first two. */
        void sendFragmented(String text, int parts) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int step = Math.max(1, bytes.length / parts);
            for (int i = 0, from = 0; from < bytes.length; i++) {
                int to = i == parts - 1 ? bytes.length : Math.min(bytes.length, from + step);
                byte[] part = java.util.Arrays.copyOfRange(bytes, from, to);
                frame(i == 0 ? TEXT : CONTINUATION, to == bytes.length, part);
                if (i == 0) {
                    frame(PING, true, ("ping-" + connection).getBytes(StandardCharsets.UTF_8));
                }
                from = to;
            }
        }

        void close(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            frame(CLOSE, true, payload);
        }

        void abort() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    /**
     * @param selected the subprotocol the handshake answer selects (null: none)
     * @param status   the handshake's status: 101, or another to refuse with a body
     */
    TinyWebSocketServer(ServerSocketFactory sockets, String selected, int status, Handler handler)
            throws IOException {
        this.server = sockets.createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Acceptor.start(server, this.sockets, connections, (s, n) -> serve(s, n, selected, status, handler));
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private static void serve(Socket s, int n, String selected, int status, Handler handler) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        Map<String, String> headers = new HashMap<>();
        String line = readLine(in);
        headers.put(":request", line);
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        OutputStream out = s.getOutputStream();
        if (status != 101) {
            byte[] body = "{\"error\":\"refused\"}".getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " Refused\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return;
        }
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                (headers.get("sec-websocket-key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                        .getBytes(StandardCharsets.US_ASCII)));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n"
                + (selected == null ? "" : "Sec-WebSocket-Protocol: " + selected + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        handler.handle(new Peer(s, in, headers, n));
    }

    private static String readLine(DataInputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
