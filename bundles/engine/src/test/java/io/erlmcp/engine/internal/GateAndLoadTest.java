// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.erlmcp.drain.DrainStatus;
import io.erlmcp.drain.RequestGate;
import io.erlmcp.engine.internal.Harness.Chan;
import io.erlmcp.engine.internal.Harness.Client;
import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.ToolDefinition;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

class GateAndLoadTest {

    /** A gate that holds every call until released, recording keys and permits closed. */
    static final class HoldingGate implements RequestGate {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final AtomicInteger closed = new AtomicInteger();
        final CompletableFuture<Void> open = new CompletableFuture<>();

        @Override
        public Permit enter(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Permit> admit(String key) {
            keys.add(key);
            return open.thenApply(v -> closed::incrementAndGet);
        }

        @Override
        public DrainStatus start(Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DrainStatus start(Duration timeout, Collection<String> k) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DrainStatus stop() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DrainStatus status() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void toolCallsPassTheGateWithTheBundleKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        HoldingGate gate = new HoldingGate();
        Engine engine = new Engine(new Engine.Settings("s", null, "1", "", 10, Duration.ZERO, Duration.ofSeconds(5)),
                pool, timer, () -> gate);
        try {
            engine.addTool(EngineTest.tool(ToolDefinition.of("echo", "e", EngineTest.ECHO_SCHEMA),
                    (c, ctx) -> CallToolResult.text(c.string("message"))), "com.example.tools");
            Client c = new Client(engine.open(new TransportInfo("test", null, null), new Chan()), new Chan());
            c.init();
            Chan ch = new Chan();
            CompletableFuture<Void> done = c.start(EngineTest.req(1, "tools/call",
                    "{\"name\":\"echo\",\"arguments\":{\"message\":\"held\"}}"), ch);
            Thread.sleep(100);
            assertThat(ch.all).isEmpty();
            assertThat(gate.keys).containsExactly("com.example.tools");
            gate.open.complete(null);
            done.get(5, TimeUnit.SECONDS);
            assertThat(ch.all.get(0).path("result").path("content").get(0).path("text").asText()).isEqualTo("held");
            assertThat(gate.closed.get()).isEqualTo(1);
        } finally {
            engine.shutdown();
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }

    @Test
    void aToolMissingMidReloadIsHeldAsUnknownAndAnswersOnceItIsBack() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        HoldingGate gate = new HoldingGate();
        Engine engine = new Engine(new Engine.Settings("s", null, "1", "", 10, Duration.ZERO, Duration.ofSeconds(5)),
                pool, timer, () -> gate);
        try {
            Client c = new Client(engine.open(new TransportInfo("test", null, null), new Chan()), new Chan());
            c.init();
            // The old revision's tool is gone and the new one not yet registered: the call waits at the gate.
            Chan ch = new Chan();
            CompletableFuture<Void> done = c.start(EngineTest.req(7, "tools/call",
                    "{\"name\":\"echo\",\"arguments\":{\"message\":\"v2\"}}"), ch);
            Thread.sleep(100);
            assertThat(ch.all).isEmpty();
            assertThat(gate.keys).containsExactly(RequestGate.UNKNOWN);
            engine.addTool(EngineTest.tool(ToolDefinition.of("echo", "e", EngineTest.ECHO_SCHEMA),
                    (call, ctx) -> CallToolResult.text(call.string("message"))), "com.example.tools");
            gate.open.complete(null);
            done.get(5, TimeUnit.SECONDS);
            assertThat(ch.all.get(0).path("result").path("content").get(0).path("text").asText()).isEqualTo("v2");

            // A name that is still unknown after admission is the usual -32602.
            Chan unknown = new Chan();
            c.start(EngineTest.req(8, "tools/call", "{\"name\":\"nope\",\"arguments\":{}}"), unknown)
                    .get(5, TimeUnit.SECONDS);
            assertThat(unknown.all.get(0).path("error").path("code").asInt()).isEqualTo(-32602);
        } finally {
            engine.shutdown();
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }

    /** Not a benchmark: shows that the echo path has no gross overhead (prints calls per second). */
    @Test
    void echoThroughputSmoke() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Engine engine = new Engine(new Engine.Settings("s", null, "1", "", 10, Duration.ZERO, Duration.ofSeconds(5)),
                pool, timer, () -> null);
        try {
            engine.addTool(EngineTest.tool(ToolDefinition.of("echo", "e", EngineTest.ECHO_SCHEMA),
                    (c, ctx) -> CallToolResult.text(c.string("message"))), "k");
            ServerSession s = engine.open(new TransportInfo("test", null, null), null);
            MessageChannel sink = new MessageChannel() {
                @Override
                public void send(byte[] json, MessageKind kind) {
                }

                @Override
                public boolean isOpen() {
                    return true;
                }
            };
            s.receive(engine.parse(("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}}").getBytes()), sink)
                    .toCompletableFuture().get();
            byte[] call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"hello\"}}}"
                    .getBytes();
            int n = 200_000;
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                CompletableFuture<?>[] all = new CompletableFuture<?>[n];
                for (int i = 0; i < n; i++) {
                    all[i] = s.receive(engine.parse(call), sink).toCompletableFuture();
                    if (i % 1000 == 999) {
                        CompletableFuture.allOf(java.util.Arrays.copyOfRange(all, i - 999, i + 1)).get();
                    }
                }
                CompletableFuture.allOf(all).get(60, TimeUnit.SECONDS);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("echo via engine: %.0f calls/s%n", n / secs);
            }
        } finally {
            engine.shutdown();
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }

    @Test
    void idleSessionsExpire() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Engine engine = new Engine(new Engine.Settings("s", null, "1", "", 10, Duration.ofMillis(500),
                Duration.ofSeconds(5)), pool, timer, () -> null);
        try {
            Harness.Chan idleChannel = new Harness.Chan();
            ServerSession idle = engine.open(new TransportInfo("http", null, null), idleChannel);
            ServerSession stdio = engine.open(new TransportInfo("stdio", null, null), null);
            for (int i = 0; i < 40 && !idle.isClosed(); i++) {
                Thread.sleep(100);
            }
            assertThat(idle.isClosed()).isTrue();
            assertThat(engine.find(idle.id())).isEmpty();
            assertThat(stdio.isClosed()).isFalse();
            assertThat(engine.stats().expired()).isEqualTo(1);
            assertThat(idleChannel.sessionCloses).as("the transport is told the session expired").isEqualTo(1);
        } finally {
            engine.shutdown();
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }

    @Test
    void unansweredClientRequestTimesOutAndPingWorksBothWays() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Engine engine = new Engine(new Engine.Settings("s", null, "1", "", 10, Duration.ZERO, Duration.ofMillis(300)),
                pool, timer, () -> null);
        try {
            engine.addTool(EngineTest.tool(ToolDefinition.of("ask", "a", ToolDefinition.EMPTY_OBJECT_SCHEMA),
                    (c, ctx) -> ctx.sample(io.erlmcp.mcp.CreateMessageRequest.of("q", 10))
                            .thenApply(r -> CallToolResult.text("answered"))), "k");
            engine.addTool(EngineTest.tool(ToolDefinition.of("ping_client", "p", ToolDefinition.EMPTY_OBJECT_SCHEMA),
                    (c, ctx) -> ctx.request("ping", null).thenApply(r -> CallToolResult.text("pong " + r))), "k");
            Client c = new Client(engine.open(new TransportInfo("test", null, null), new Chan()), new Chan());
            c.init();
            Chan ch = new Chan();
            CompletableFuture<Void> done = c.start(EngineTest.req(1, "tools/call", "{\"name\":\"ask\"}"), ch);
            assertThat(ch.next().path("method").asText()).isEqualTo("sampling/createMessage");
            done.get(5, TimeUnit.SECONDS);
            assertThat(ch.all.get(1).path("result").path("isError").asBoolean()).isTrue();

            Chan pc = new Chan();
            CompletableFuture<Void> pdone = c.start(EngineTest.req(2, "tools/call", "{\"name\":\"ping_client\"}"), pc);
            com.fasterxml.jackson.databind.JsonNode ping = pc.next();
            assertThat(ping.path("method").asText()).isEqualTo("ping");
            c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + ping.path("id").asText() + "\",\"result\":{}}");
            pdone.get(5, TimeUnit.SECONDS);
            assertThat(pc.all.get(1).path("result").path("content").get(0).path("text").asText()).isEqualTo("pong {}");
            assertThat(c.pings()).isTrue();
        } finally {
            engine.shutdown();
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }
}
