// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/** Drives an {@link Engine} through the transport SPI, as a transport would. */
final class Harness implements AutoCloseable {

    final ExecutorService pool = Executors.newFixedThreadPool(8);
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final Engine engine;

    Harness() {
        this(100);
    }

    Harness(int pageSize) {
        engine = new Engine(new Engine.Settings("test-server", "Test Server", "1.2.3", "Be nice.", pageSize,
                Duration.ofMinutes(30), Duration.ofSeconds(5)), pool, timer, () -> null);
    }

    Client client() {
        Chan standalone = new Chan();
        return new Client(engine.open(new TransportInfo("test", "127.0.0.1:1", null), standalone), standalone);
    }

    @Override
    public void close() {
        engine.shutdown();
        pool.shutdownNow();
        timer.shutdownNow();
    }

    /** A channel that records what it is sent. */
    static final class Chan implements MessageChannel {
        final LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        final List<JsonNode> all = new CopyOnWriteArrayList<>();
        final List<MessageKind> kinds = new CopyOnWriteArrayList<>();
        volatile boolean open = true;
        volatile int streamCloses;
        volatile int sessionCloses;

        @Override
        public void send(byte[] json, MessageKind kind) {
            JsonNode n = Json.tree(new String(json, StandardCharsets.UTF_8));
            all.add(n);
            kinds.add(kind);
            queue.add(n);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void closeStream() {
            streamCloses++;
        }

        @Override
        public void sessionClosed() {
            sessionCloses++;
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = queue.poll(5, TimeUnit.SECONDS);
            if (n == null) {
                throw new AssertionError("no message within 5 s");
            }
            return n;
        }

        JsonNode poll(long millis) throws InterruptedException {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        }
    }

    /** One session with helpers. */
    static final class Client {
        final ServerSession session;
        final Chan standalone;

        Client(ServerSession session, Chan standalone) {
            this.session = session;
            this.standalone = standalone;
        }

        /** Sends a frame and waits until every response owed has been sent; returns the channel. */
        Chan send(String json) throws Exception {
            Chan ch = new Chan();
            session.receive(parse(json), ch).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            return ch;
        }

        /** Sends a frame without waiting. */
        java.util.concurrent.CompletableFuture<Void> start(String json, Chan ch) {
            return session.receive(parse(json), ch).toCompletableFuture();
        }

        io.erlmcp.transport.Inbound parse(String json) {
            return Frame.parse(json.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends one request and returns its response (the last message on the channel). */
        JsonNode call(String json) throws Exception {
            Chan ch = send(json);
            List<JsonNode> all = ch.all;
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        JsonNode request(int id, String method, String params) throws Exception {
            return call("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                    + (params == null ? "" : ",\"params\":" + params) + "}");
        }

        JsonNode init(String version, String capabilities) throws Exception {
            JsonNode r = request(0, "initialize", "{\"protocolVersion\":\"" + version + "\",\"capabilities\":"
                    + capabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
            send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            return r;
        }

        JsonNode init() throws Exception {
            return init("2025-11-25", "{\"sampling\":{},\"elicitation\":{\"form\":{},\"url\":{}},\"roots\":{}}");
        }

        boolean pings() throws Exception {
            JsonNode r = call("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
            return r != null && r.path("result").isObject() && "p".equals(r.path("id").asText());
        }
    }
}
