// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * HTTP/1.1 written and read by hand on a raw socket, so that a test can send what no HTTP client would (garbage,
 * a request cut short, a body that never ends) and see exactly what comes back, including the connection's end.
 */
final class RawHttp implements AutoCloseable {

    /** A response: status, headers (lower-case names) and, for complete responses, the body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    final int port;
    private final OutputStream out;
    private final InputStream in;

    private RawHttp(Socket socket, int port) throws IOException {
        this.socket = socket;
        this.port = port;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    /** Connects; {@code receiveBuffer} 0 keeps the default. */
    static RawHttp connect(int port, int receiveBuffer) throws IOException {
        return new RawHttp(Loopback.connect(port, receiveBuffer), port);
    }

    static RawHttp connect(int port) throws IOException {
        return connect(port, 0);
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void raw(String text) throws IOException {
        raw(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Streams a chunked body of 64 KiB chunks until {@code limit} bytes are sent, the {@code answered} response is
     * in or the server closes the connection.
     *
     * @return the body bytes sent
     */
    long sendChunksUntil(Future<?> answered, long limit) {
        byte[] chunk = ("10000\r\n" + Mcp.repeat('x', 0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        try {
            while (sent < limit && !answered.isDone()) {
                raw(chunk);
                sent += 0x10000;
            }
        } catch (IOException closed) {
            // the server closed while we were sending
        }
        return sent;
    }

    /** Writes a request head; {@code headers} are complete lines without CRLF. */
    void head(String method, String target, String... headers) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        raw(b.append("\r\n").toString());
    }

    /** A POST with a JSON body and the Accept header Streamable HTTP wants. */
    void postJson(String target, byte[] body, String... extraHeaders) throws IOException {
        String[] headers = new String[extraHeaders.length + 3];
        headers[0] = "Content-Type: application/json";
        headers[1] = "Accept: application/json, text/event-stream";
        headers[2] = "Content-Length: " + body.length;
        System.arraycopy(extraHeaders, 0, headers, 3, extraHeaders.length);
        head("POST", target, headers);
        raw(body);
    }

    void postJson(String target, String body, String... extraHeaders) throws IOException {
        postJson(target, body.getBytes(StandardCharsets.UTF_8), extraHeaders);
    }

    /** Reads a whole response (Content-Length or chunked; not an open event stream). */
    Response response(long millis) throws IOException {
        socket.setSoTimeout((int) millis);
        Response head = responseHead();
        byte[] body;
        String length = head.header("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.trim()));
        } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            body = chunked().readAllBytes();
        } else if (head.status() == 101 || head.status() == 204 || head.status() == 304) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new Response(head.status(), head.headers(), body);
    }

    /** Reads a response's status line and headers only (the body, e.g. an event stream, is read with {@link #chunked}). */
    Response responseHead() throws IOException {
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Response(Integer.parseInt(status[1]), headers, new byte[0]);
    }

    /** The rest of a chunked body as a stream. */
    InputStream chunked() {
        return new Chunked(in);
    }

    /**
     * Waits for the server to end the connection, reading and dropping whatever comes.
     *
     * @return the bytes read before the end; fails when it does not end within {@code millis}
     */
    long awaitEnd(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long count = 0;
        byte[] buffer = new byte[65536];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("the server did not end the connection within " + millis + " ms");
            }
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException reset) {
                return count;
            }
            if (n < 0) {
                return count;
            }
            count += n;
        }
    }

    /** Reads up to the blank line that ends a head; at most 64 KiB. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection ended in the response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            if (head.size() > 65536) {
                throw new IOException("response head longer than 64 KiB");
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A chunked transfer-coding decoder. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean afterChunk;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                if (afterChunk) {
                    line(); // the CRLF after the previous chunk: Jetty sends it only with the next one
                    afterChunk = false;
                }
                String size = line();
                int semi = size.indexOf(';');
                left = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (left == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("connection ended inside a chunk");
            }
            left -= n;
            afterChunk = left == 0;
            return n;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    s.append((char) c);
                }
            }
            if (c < 0) {
                throw new IOException("connection ended in a chunk header");
            }
            return s.toString();
        }
    }
}
