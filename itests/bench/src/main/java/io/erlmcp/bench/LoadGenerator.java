// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A closed-loop load generator: C virtual clients, each sending its next {@code tools/call echo} as soon as the
 * previous one answered, for a fixed time after a warm-up. Over Streamable HTTP each client is its own MCP
 * session (initialize, initialized, then calls); against the plain baseline it posts the same JSON-RPC body.
 *
 * <p>Every answer is checked: a call counts as good only when the echoed text comes back without an error.
 * The loop is bounded in time and in count.
 */
public final class LoadGenerator {

    /** What one run measured. */
    public record Result(String target, int clients, long calls, long failures, double seconds, double throughput,
            double p50Millis, double p99Millis, double maxMillis) {

        String row() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.3f | %.3f | %.3f |", target, clients,
                    calls, failures, throughput, p50Millis, p99Millis, maxMillis);
        }
    }

    private static final long MAX_CALLS_PER_CLIENT = 50_000_000L;

    private final HttpClient http;
    private final String url;
    private final boolean mcp;

    public LoadGenerator(String url, boolean mcp, int clients) throws Exception {
        this.url = url;
        this.mcp = mcp;
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(8, clients / 4));
        pool.setName("loadgen");
        this.http = new HttpClient();
        http.setExecutor(pool);
        http.setMaxConnectionsPerDestination(clients + 4);
        http.setMaxRequestsQueuedPerDestination(clients * 4 + 64);
        http.setIdleTimeout(60_000);
        http.start();
    }

    public void close() throws Exception {
        http.stop();
    }

    /** Runs {@code clients} virtual clients for {@code warmupSeconds} + {@code seconds}. */
    public Result run(String target, int clients, int warmupSeconds, int seconds) throws Exception {
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client client = new Client(i);
            if (mcp) {
                client.initialize();
            }
            all.add(client);
        }
        Phase phase = new Phase(clients);
        for (Client client : all) {
            client.fire(phase);
        }
        Result result = phase.measure(target, clients, warmupSeconds, seconds, 30_000);
        if (mcp) {
            for (Client client : all) {
                client.delete();
            }
        }
        return result;
    }

    /**
     * One run of virtual clients: they record each call here, and stop after their current call once
     * {@link #measure} has taken its numbers.
     */
    static final class Phase {
        volatile boolean running = true;
        final CountDownLatch finished;
        private final Recorder recorder = new Recorder(3);
        private final AtomicLong good = new AtomicLong();
        private final AtomicLong bad = new AtomicLong();

        Phase(int clients) {
            finished = new CountDownLatch(clients);
        }

        void succeeded(long nanos) {
            good.incrementAndGet();
            recorder.recordValue(nanos);
        }

        void failed() {
            bad.incrementAndGet();
        }

        /**
         * Lets the running clients warm up, counts what they do for {@code seconds}, then stops them and waits
         * up to {@code finishMillis} for them to finish.
         */
        Result measure(String target, int clients, int warmupSeconds, int seconds, long finishMillis)
                throws InterruptedException {
            Thread.sleep(warmupSeconds * 1000L);
            recorder.reset();
            good.set(0);
            bad.set(0);
            long begin = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            Histogram histogram = recorder.getIntervalHistogram();
            long calls = good.get();
            long failures = bad.get();
            double elapsed = (System.nanoTime() - begin) / 1e9;
            running = false;
            if (!finished.await(finishMillis, TimeUnit.MILLISECONDS)) {
                System.err.println("warning: some clients did not finish within " + finishMillis + " ms");
            }
            return new Result(target, clients, calls, failures, elapsed, calls / elapsed,
                    histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                    histogram.getMaxValue() / 1e6);
        }
    }

    private final class Client {
        private final int number;
        private String sessionId;
        private long nextId = 1;

        Client(int number) {
            this.number = number;
        }

        void initialize() throws Exception {
            ContentResponse init = post(McpMessages.INITIALIZE).send();
            if (init.getStatus() != 200) {
                throw new IllegalStateException("initialize answered " + init.getStatus() + ": "
                        + init.getContentAsString());
            }
            sessionId = init.getHeaders().get("Mcp-Session-Id");
            if (sessionId == null) {
                throw new IllegalStateException("initialize answered without Mcp-Session-Id");
            }
            ContentResponse initialized = post(McpMessages.INITIALIZED).send();
            if (initialized.getStatus() != 202) {
                throw new IllegalStateException("notifications/initialized answered " + initialized.getStatus());
            }
        }

        void delete() throws Exception {
            http.newRequest(url).method(HttpMethod.DELETE).headers(h -> h.put("Mcp-Session-Id", sessionId)
                    .put("MCP-Protocol-Version", "2025-11-25")).timeout(10, TimeUnit.SECONDS).send();
        }

        Request post(String body) {
            Request request = http.newRequest(url).method(HttpMethod.POST).timeout(30, TimeUnit.SECONDS)
                    .headers(h -> {
                        h.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                        if (sessionId != null) {
                            h.put("Mcp-Session-Id", sessionId);
                            h.put("MCP-Protocol-Version", "2025-11-25");
                        }
                    })
                    .body(new BytesRequestContent("application/json", body.getBytes(StandardCharsets.UTF_8)));
            return request;
        }

        /** Makes calls one after the other, each from the previous one's answer, until the phase ends. */
        void fire(Phase phase) {
            if (!phase.running || nextId > MAX_CALLS_PER_CLIENT) {
                phase.finished.countDown();
                return;
            }
            long id = nextId++;
            String text = "c" + number + "-" + id;
            String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"echo\",\"arguments\":{\"message\":\"" + text + "\"}}}";
            long begin = System.nanoTime();
            post(body).send(new BufferingResponseListener(1 << 20) {
                @Override
                public void onComplete(org.eclipse.jetty.client.Result result) {
                    long took = System.nanoTime() - begin;
                    String answer = result.isSucceeded() ? getContentAsString(StandardCharsets.UTF_8) : null;
                    if (answer != null && result.getResponse().getStatus() == 200 && answer.contains(text)
                            && !answer.contains("\"isError\":true") && !answer.contains("\"error\"")) {
                        phase.succeeded(took);
                    } else {
                        phase.failed();
                    }
                    fire(phase);
                }
            });
        }
    }

    /** {@code LoadGenerator <url> <mcp|plain> <clients> <warmupSeconds> <seconds>} */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: LoadGenerator <url> <mcp|plain> <clients> <warmup-seconds> <seconds>");
            System.exit(2);
        }
        int clients = Integer.parseInt(args[2]);
        LoadGenerator generator = new LoadGenerator(args[0], "mcp".equals(args[1]), clients);
        try {
            System.out.println(generator.run(args[1], clients, Integer.parseInt(args[3]), Integer.parseInt(args[4]))
                    .row());
        } finally {
            generator.close();
        }
    }
}
