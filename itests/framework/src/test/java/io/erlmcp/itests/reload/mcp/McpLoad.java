// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload.mcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.itests.SpiSessions;

/**
 * MCP clients of the real engine, through the transport SPI as a transport drives it (see ToolWhiteboardIT), each
 * calling {@code tools/call echo} in a closed loop on its own thread. Every call is recorded: when it started, how
 * long it took and which version answered ({@code 0}: the call failed; the reason is in {@link #failures()}).
 * The loop ends on {@link #close()}, at a deadline or after a number of calls, whichever comes first.
 */
final class McpLoad implements AutoCloseable {

    private static final String LIST_CHANGED = "notifications/tools/list_changed";

    /** One initialized engine session. */
    static final class Client implements AutoCloseable {
        final int index;
        private final McpServerEndpoint endpoint;
        private final ServerSession session;
        private final SpiSessions.Collector standalone = new SpiSessions.Collector();
        private final AtomicInteger nextId = new AtomicInteger(1);

        Client(McpServerEndpoint endpoint, int index) throws Exception {
            this.endpoint = endpoint;
            this.index = index;
            this.session = endpoint.open(new TransportInfo("itest-reload-" + index, null, null), standalone);
            JsonNode init = request("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"itest-reload-" + index + "\",\"version\":\"1\"}}");
            if (!init.path("result").path("capabilities").path("tools").path("listChanged").asBoolean()) {
                throw new AssertionError("no tools.listChanged capability: " + init);
            }
            SpiSessions.notify(endpoint, session, "notifications/initialized");
        }

        JsonNode request(String method, String params) throws Exception {
            return SpiSessions.request(endpoint, session, nextId.getAndIncrement(), method, params,
                    Duration.ofSeconds(30));
        }

        /** @return the major version that answered; throws with the reason when the call did not answer right */
        int echo(String msg) throws Exception {
            JsonNode response = request("tools/call", "{\"name\":\"echo\",\"arguments\":{\"msg\":\"" + msg + "\"}}");
            JsonNode result = response.path("result");
            if (response.has("error") || result.isMissingNode()) {
                throw new IllegalStateException("JSON-RPC error: " + response.path("error"));
            }
            if (result.path("isError").asBoolean(false)) {
                throw new IllegalStateException("isError result: " + result);
            }
            String text = result.path("content").path(0).path("text").asText();
            if (text.equals("v1:" + msg)) {
                return 1;
            }
            if (text.equals("v2:" + msg)) {
                return 2;
            }
            throw new IllegalStateException("unexpected reply " + text + " to " + msg);
        }

        /** @return how many notifications/tools/list_changed this session was sent */
        long listChanged() {
            return standalone.messages.stream().filter(m -> LIST_CHANGED.equals(m.path("method").asText())).count();
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /** What one client's loop recorded. */
    static final class Track {
        long[] start = new long[1 << 12];
        long[] took = new long[1 << 12];
        byte[] major = new byte[1 << 12];
        final AtomicInteger count = new AtomicInteger();

        void add(long t0, long t, int v) {
            int n = count.get();
            if (n == start.length) {
                start = Arrays.copyOf(start, n * 2);
                took = Arrays.copyOf(took, n * 2);
                major = Arrays.copyOf(major, n * 2);
            }
            start[n] = t0;
            took[n] = t;
            major[n] = (byte) v;
            count.set(n + 1);
        }
    }

    final List<Client> clients = new ArrayList<>();
    final List<Track> tracks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean stop;

    /**
     * Opens {@code sessions} sessions and starts their loops, which end after {@code maxCalls} calls each or at
     * {@code maxTime} from now.
     */
    McpLoad(McpServerEndpoint endpoint, int sessions, int maxCalls, Duration maxTime) throws Exception {
        try {
            for (int i = 0; i < sessions; i++) {
                clients.add(new Client(endpoint, i));
                tracks.add(new Track());
            }
        } catch (Exception | AssertionError e) {
            clients.forEach(Client::close);
            throw e;
        }
        long deadline = System.nanoTime() + maxTime.toNanos();
        for (int i = 0; i < sessions; i++) {
            Client c = clients.get(i);
            Track track = tracks.get(i);
            Thread t = new Thread(() -> {
                while (!stop && track.count.get() < maxCalls && System.nanoTime() < deadline) {
                    String msg = "c" + c.index + "-" + track.count.get();
                    long t0 = System.nanoTime();
                    int v;
                    try {
                        v = c.echo(msg);
                    } catch (Exception e) {
                        v = 0;
                        failures.add("session " + c.index + " call " + msg + ": " + e);
                    }
                    track.add(t0, System.nanoTime() - t0, v);
                }
            }, "mcp-reload-client-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** Waits until every client has made {@code more} calls since now. */
    void awaitCalls(int more) throws InterruptedException {
        int[] from = tracks.stream().mapToInt(t -> t.count.get()).toArray();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; i < tracks.size(); i++) {
            while (tracks.get(i).count.get() < from[i] + more) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("session " + i + " made fewer than " + more + " calls in 15 s; failures: "
                            + failures);
                }
                Thread.sleep(5);
            }
        }
    }

    /** Stops the loops and waits for them: the tracks are complete after this. */
    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop");
            }
        }
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    long calls() {
        return tracks.stream().mapToLong(t -> t.count.get()).sum();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        clients.forEach(Client::close);
    }
}
