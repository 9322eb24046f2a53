// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many idle MCP sessions over WebSocket or TCP from one thread: each connection is opened (bound to a chosen
 * source address first, so that several processes can use 127.0.0.2, 127.0.0.3, ... and not run out of ports),
 * upgraded by hand for WebSocket (subprotocol {@code mcp}), sends {@code initialize}, waits for its answer, sends
 * {@code notifications/initialized} and then only answers the server's pings with pongs. One selector, no thread
 * and no buffer per connection, so a process holds ten thousand of them in a small heap.
 *
 * <p>As a program it is the client half of {@link IdleMemory} and {@link ManyConnections}:
 * {@code IdleClients <ws|tcp> <host> <port> <path> <source-address> <count>} opens the connections, prints
 * {@code progress ...} lines and then {@code done ready=<n> failed=<n>}, and holds them; on stdin it answers
 * {@code status} with a {@code status ...} line and ends on {@code close} or end of input.
 */
public final class IdleClients implements AutoCloseable {

    /** The framing spoken on each connection. */
    public enum Kind { WS, TCP }

    private static final int MAX_FRAME = 1 << 20;
    private static final long OPEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Kind kind;
    private final InetSocketAddress server;
    private final String path;
    private final InetAddress source;
    private final int count;
    private final int concurrency;
    private final Selector selector;
    private final Thread loop;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicLong pongs = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final CountDownLatch opened = new CountDownLatch(1);
    private final List<Connection> opening = new ArrayList<>();
    private volatile boolean closing;
    private int started;

    /**
     * @param path        the WebSocket path ({@code /mcp/ws}); ignored for TCP
     * @param source      the local address to bind before connecting (null: any)
     * @param concurrency connections being opened at once
     */
    public IdleClients(Kind kind, InetSocketAddress server, String path, InetAddress source, int count,
            int concurrency) throws IOException {
        if (count < 0 || concurrency < 1) {
            throw new IllegalArgumentException("count must be >= 0 and concurrency >= 1");
        }
        this.kind = kind;
        this.server = server;
        this.path = path;
        this.source = source;
        this.count = count;
        this.concurrency = concurrency;
        this.selector = Selector.open();
        this.loop = new Thread(this::run, "idle-clients");
        loop.setDaemon(true);
    }

    /** Opens every connection; waits until each is ready or has failed, at most {@code timeoutMillis}. */
    public void open(long timeoutMillis) throws InterruptedException {
        loop.start();
        opened.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** @return sessions initialized and still open */
    public int ready() {
        return ready.get() - dropped.get();
    }

    /** @return connections that failed before their session was ready */
    public int failed() {
        return failed.get();
    }

    /** @return ready sessions whose connection the server (or the network) closed later */
    public int dropped() {
        return dropped.get();
    }

    /** @return pings answered */
    public long pongs() {
        return pongs.get();
    }

    /** @return why connections failed: reason to count, sorted by reason */
    public String failureSummary() {
        Map<String, Integer> sorted = new TreeMap<>();
        failures.forEach((reason, n) -> sorted.put(reason, n.get()));
        return sorted.toString();
    }

    /** @return a one-line summary */
    public String status() {
        return String.format(Locale.ROOT, "ready=%d failed=%d dropped=%d pongs=%d messages=%d", ready(), failed(),
                dropped(), pongs(), messages.get());
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        selector.wakeup();
        loop.join(30_000);
    }

    private final class Connection {
        final SocketChannel channel;
        final long begin = System.nanoTime();
        String key;
        int state; // 0 connecting, 1 handshake, 2 waiting for the initialize answer, 3 ready, 4 over
        ByteBuffer in; // bytes of an incomplete frame, head or line (rare)
        ByteBuffer out; // bytes not yet written (rare)
        java.io.ByteArrayOutputStream message; // a fragmented text message (rare)

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private void run() {
        try {
            while (!closing) {
                while (!closing && started < count && opening.size() < concurrency) {
                    start();
                }
                if (started >= count && opening.isEmpty()) {
                    opened.countDown();
                }
                selector.select(1000);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Connection c = (Connection) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            connected(c, key);
                        }
                        if (key.isValid() && key.isWritable()) {
                            flush(c, key);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(c, key);
                        }
                    } catch (IOException | RuntimeException e) {
                        end(c, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
                long now = System.nanoTime();
                for (Connection c : List.copyOf(opening)) {
                    if (now - c.begin > OPEN_TIMEOUT_NANOS) {
                        end(c, "not ready within 60 s (state " + c.state + ")");
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("selector failed: " + e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
            opened.countDown();
        }
    }

    private void start() {
        started++;
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            failure(e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        Connection c = new Connection(channel);
        opening.add(c);
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (source != null) {
                channel.bind(new InetSocketAddress(source, 0));
            }
            if (channel.connect(server)) {
                connected(c, channel.register(selector, 0, c));
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            end(c, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void connected(Connection c, SelectionKey key) throws IOException {
        if (c.state == 0) {
            c.channel.finishConnect();
        }
        if (kind == Kind.WS) {
            c.key = WsFrames.newKey();
            c.state = 1;
            write(c, key, WsFrames.handshake(server.getHostString(), server.getPort(), path, c.key, "mcp"));
        } else {
            c.state = 2;
            write(c, key, line(McpMessages.INITIALIZE));
        }
    }

    private static byte[] line(String json) {
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void write(Connection c, SelectionKey key, byte[] bytes) throws IOException {
        if (c.out != null) {
            ByteBuffer more = ByteBuffer.allocate(c.out.remaining() + bytes.length).put(c.out).put(bytes);
            more.flip();
            c.out = more;
        } else {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            c.channel.write(buffer);
            if (buffer.hasRemaining()) {
                c.out = buffer;
            }
        }
        key.interestOps(c.out == null ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private void flush(Connection c, SelectionKey key) throws IOException {
        if (c.out != null) {
            c.channel.write(c.out);
            if (!c.out.hasRemaining()) {
                c.out = null;
            }
        }
        key.interestOps(c.out == null ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private void read(Connection c, SelectionKey key) throws IOException {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
            end(c, c.state == 3 ? null : "closed by the server in state " + c.state);
            return;
        }
        readBuffer.flip();
        ByteBuffer data;
        if (c.in != null) {
            data = ByteBuffer.allocate(c.in.remaining() + readBuffer.remaining()).put(c.in).put(readBuffer);
            data.flip();
        } else {
            data = readBuffer;
        }
        if (c.state == 1) {
            int end = headEnd(data);
            if (end < 0) {
                keep(c, data);
                return;
            }
            byte[] head = new byte[end - data.position()];
            data.get(head);
            data.position(end + 4);
            String problem = WsFrames.checkAnswer(new String(head, StandardCharsets.ISO_8859_1), c.key);
            if (problem != null) {
                end(c, problem);
                return;
            }
            c.key = null;
            c.state = 2;
            write(c, key, WsFrames.text(McpMessages.INITIALIZE));
        }
        if (kind == Kind.WS) {
            frames(c, key, data);
        } else {
            lines(c, key, data);
        }
        if (c.channel.isOpen()) {
            keep(c, data);
        }
    }

    private static int headEnd(ByteBuffer data) {
        for (int i = data.position(); i + 3 < data.limit(); i++) {
            if (data.get(i) == '\r' && data.get(i + 1) == '\n' && data.get(i + 2) == '\r' && data.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static void keep(Connection c, ByteBuffer data) {
        if (!data.hasRemaining()) {
            c.in = null;
            return;
        }
        ByteBuffer rest = ByteBuffer.allocate(data.remaining()).put(data);
        rest.flip();
        c.in = rest;
    }

    private void frames(Connection c, SelectionKey key, ByteBuffer data) throws IOException {
        WsFrames.Frame frame;
        while (c.channel.isOpen() && (frame = WsFrames.next(data, MAX_FRAME)) != null) {
            switch (frame.opcode()) {
                case WsFrames.PING -> {
                    write(c, key, WsFrames.frame(WsFrames.PONG, frame.payload()));
                    pongs.incrementAndGet();
                }
                case WsFrames.CLOSE -> end(c, c.state == 3 ? null : "close frame in state " + c.state);
                case WsFrames.TEXT, WsFrames.CONTINUATION -> {
                    if (!frame.fin() || c.message != null) {
                        if (c.message == null) {
                            c.message = new java.io.ByteArrayOutputStream();
                        }
                        c.message.write(frame.payload());
                        if (!frame.fin()) {
                            continue;
                        }
                        String text = c.message.toString(StandardCharsets.UTF_8);
                        c.message = null;
                        message(c, key, text);
                    } else {
                        message(c, key, frame.text());
                    }
                }
                default -> {
                    // pong, binary: nothing to do
                }
            }
        }
    }

    private void lines(Connection c, SelectionKey key, ByteBuffer data) throws IOException {
        while (c.channel.isOpen()) {
            int newline = -1;
            for (int i = data.position(); i < data.limit(); i++) {
                if (data.get(i) == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline < 0) {
                if (data.remaining() > MAX_FRAME) {
                    end(c, "line too long");
                }
                return;
            }
            byte[] bytes = new byte[newline - data.position()];
            data.get(bytes);
            data.get();
            if (bytes.length > 0) {
                message(c, key, new String(bytes, StandardCharsets.UTF_8));
            }
        }
    }

    private void message(Connection c, SelectionKey key, String json) throws IOException {
        messages.incrementAndGet();
        if (c.state != 2 || McpMessages.fromServer(json)) {
            return; // a notification or a server request: an idle client ignores it
        }
        if (!json.contains("\"protocolVersion\"") || json.contains("\"error\"")) {
            end(c, "initialize failed: " + (json.length() > 200 ? json.substring(0, 200) : json));
            return;
        }
        write(c, key, kind == Kind.WS ? WsFrames.text(McpMessages.INITIALIZED) : line(McpMessages.INITIALIZED));
        c.state = 3;
        opening.remove(c);
        ready.incrementAndGet();
    }

    private void end(Connection c, String reason) {
        int state = c.state;
        c.state = 4;
        try {
            c.channel.close();
        } catch (IOException e) {
            // gone anyway
        }
        if (opening.remove(c) || state < 3) {
            failure(reason == null ? "closed before ready" : reason);
        } else if (state == 3) {
            dropped.incrementAndGet();
        }
    }

    private void failure(String reason) {
        failed.incrementAndGet();
        failures.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    }

    /** See the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: IdleClients <ws|tcp> <host> <port> <path> <source-address> <count>");
            System.exit(2);
        }
        Kind kind = Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
        InetSocketAddress server = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        InetAddress source = "-".equals(args[4]) ? null : InetAddress.getByName(args[4]);
        int count = Integer.parseInt(args[5]);
        IdleClients clients = new IdleClients(kind, server, args[3], source, count, 200);
        Thread progress = new Thread(() -> {
            try {
                while (clients.opened.getCount() > 0) {
                    Thread.sleep(2_000);
                    System.out.println("progress " + clients.status());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "progress");
        progress.setDaemon(true);
        progress.start();
        clients.open(TimeUnit.MINUTES.toMillis(30));
        System.out.println("done " + clients.status() + " failures=" + clients.failureSummary());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !"close".equals(command.trim())) {
            if ("status".equals(command.trim())) {
                System.out.println("status " + clients.status() + " failures=" + clients.failureSummary());
                System.out.flush();
            }
        }
        clients.close();
        System.out.println("closed");
    }
}
