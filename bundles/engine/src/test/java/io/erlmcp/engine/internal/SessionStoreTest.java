// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import static io.erlmcp.engine.internal.EngineTest.tool;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.engine.internal.Harness.Chan;
import io.erlmcp.engine.internal.Harness.Client;
import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.LoggingLevel;
import io.erlmcp.mcp.ToolDefinition;
import io.erlmcp.session.SessionRecord;
import io.erlmcp.session.SessionStore;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/** Sessions outlive an engine instance through the {@link SessionStore}: what an engine reload relies on. */
class SessionStoreTest {

    /** A store that counts its writes. */
    static final class MapStore implements SessionStore {
        final Map<String, SessionRecord> map = new ConcurrentHashMap<>();
        final AtomicInteger puts = new AtomicInteger();

        @Override
        public void put(SessionRecord r) {
            puts.incrementAndGet();
            map.put(r.id(), r);
        }

        @Override
        public Optional<SessionRecord> get(String id) {
            return Optional.ofNullable(map.get(id));
        }

        @Override
        public boolean remove(String id) {
            return map.remove(id) != null;
        }

        @Override
        public List<SessionRecord> list() {
            return new ArrayList<>(map.values());
        }
    }

    final ExecutorService pool = Executors.newFixedThreadPool(4);
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final MapStore store = new MapStore();
    final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void tearDown() {
        engines.forEach(Engine::shutdown);
        pool.shutdownNow();
        timer.shutdownNow();
    }

    /** A fresh engine instance (as after a reload of the engine bundle) on the shared store, with tools. */
    Engine engine(Duration idle) {
        Engine e = new Engine(new Engine.Settings("s", null, "1", "", 100, idle, Duration.ofSeconds(5)), pool, timer,
                () -> null, () -> store);
        e.addTool(tool(ToolDefinition.of("echo", "Echo", EngineTest.ECHO_SCHEMA),
                (call, ctx) -> CallToolResult.text(call.arguments().get("message").toString())), "k");
        e.addTool(tool(ToolDefinition.of("logging", "l", ToolDefinition.EMPTY_OBJECT_SCHEMA), (call, ctx) -> {
            ctx.log(LoggingLevel.INFO, "t", "info message");
            ctx.log(LoggingLevel.ERROR, "t", "error message");
            return CallToolResult.text("logged");
        }), "k");
        engines.add(e);
        return e;
    }

    Engine engine() {
        return engine(Duration.ofMinutes(30));
    }

    static Client client(Engine e) {
        Chan standalone = new Chan();
        return new Client(e.open(new TransportInfo("http", "127.0.0.1:1", "2025-06-18"), standalone), standalone);
    }

    @Test
    void aNewEngineInstanceServesASessionOpenedOnTheOldOneWithItsNegotiatedState() throws Exception {
        Engine old = engine();
        Client c = client(old);
        c.init("2025-06-18", "{\"sampling\":{}}");
        assertThat(c.request(1, "logging/setLevel", "{\"level\":\"warning\"}").path("result").isObject()).isTrue();
        assertThat(c.request(2, "resources/subscribe", "{\"uri\":\"test://w\"}").path("result").isObject()).isTrue();
        String id = c.session.id();

        old.shutdown(); // the engine bundle is stopped for a reload
        assertThat(c.session.isClosed()).isTrue();
        assertThat(old.find(id)).isEmpty();
        assertThat(store.get(id)).isPresent();

        Engine fresh = engine();
        Optional<ServerSession> found = fresh.find(id);
        assertThat(found).isPresent();
        ServerSession s = found.get();
        assertThat(s.id()).isEqualTo(id);
        assertThat(s.protocolVersion()).isEqualTo("2025-06-18");
        assertThat(s.initialized()).isTrue();
        assertThat(fresh.find(id).get()).isSameAs(s);

        Chan standalone = new Chan();
        s.attachStandalone(standalone);
        Client resumed = new Client(s, standalone);
        assertThat(resumed.pings()).isTrue();
        JsonNode tools = resumed.request(3, "tools/list", null).path("result").path("tools");
        assertThat(tools).extracting(t -> t.path("name").asText()).contains("echo", "logging");
        JsonNode call = resumed.request(4, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}");
        assertThat(call.path("result").path("content").get(0).path("text").asText()).isEqualTo("hi");

        // the logging level survived: only the error reaches the client
        Chan logged = resumed.send(EngineTest.req(5, "tools/call", "{\"name\":\"logging\"}"));
        assertThat(logged.all).hasSize(2);
        assertThat(logged.all.get(0).path("params").path("level").asText()).isEqualTo("error");

        // the subscription survived
        fresh.resourceUpdated("test://w");
        assertThat(standalone.next().path("params").path("uri").asText()).isEqualTo("test://w");

        // client info and capabilities survived
        assertThat(fresh.get(id).get().client().name()).isEqualTo("t");
        assertThat(((Session) s).clientSupports("sampling")).isTrue();
        assertThat(((Session) s).clientSupports("elicitation")).isFalse();
    }

    @Test
    void aClosedSessionLeavesTheStoreAndIsUnknownToTheNextEngine() throws Exception {
        Engine old = engine();
        Client c = client(old);
        c.init();
        String id = c.session.id();
        assertThat(store.map).containsKey(id);
        c.session.close(); // DELETE
        assertThat(store.map).doesNotContainKey(id);
        old.shutdown();
        Engine fresh = engine();
        fresh.restoreAll();
        assertThat(fresh.find(id)).isEmpty();
        assertThat(fresh.list()).isEmpty();
    }

    @Test
    void aTerminatedSessionIsRemovedFromTheStoreEvenWhenOnlyTheStoreKnowsIt() throws Exception {
        Engine old = engine();
        Client c = client(old);
        c.init();
        String id = c.session.id();
        old.shutdown();
        Engine fresh = engine();
        assertThat(fresh.terminate(id)).isTrue();
        assertThat(store.map).isEmpty();
        assertThat(fresh.find(id)).isEmpty();
    }

    @Test
    void bindingTheStoreResumesEveryStoredSession() throws Exception {
        Engine old = engine();
        Client a = client(old);
        a.init();
        Client b = client(old);
        b.init();
        old.shutdown();
        Engine fresh = engine();
        fresh.restoreAll();
        assertThat(fresh.list()).extracting(i -> i.id()).containsExactlyInAnyOrder(a.session.id(), b.session.id());
        assertThat(fresh.stats().active()).isEqualTo(2);
    }

    @Test
    void toolCallsDoNotWriteToTheStore() throws Exception {
        Engine e = engine();
        Client c = client(e);
        c.init();
        int writes = store.puts.get();
        for (int i = 0; i < 50; i++) {
            c.request(100 + i, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"x\"}}");
            c.request(200 + i, "tools/list", null);
        }
        assertThat(store.puts.get()).isEqualTo(writes);
    }

    @Test
    void aSessionUnusedForLongerThanTheIdleTimeoutIsNotResumed() {
        Instant longAgo = Instant.now().minus(Duration.ofHours(2));
        store.put(new SessionRecord("stale", "http", "2025-11-25", null, "{}", null, Set.of(), true, true, longAgo,
                longAgo));
        Engine e = engine(Duration.ofMinutes(30));
        assertThat(e.find("stale")).isEmpty();
        assertThat(store.map).doesNotContainKey("stale");
        assertThat(e.find("never-seen")).isEmpty();
    }

    @Test
    void sessionsOfConnectionBoundTransportsAreNotStored() throws Exception {
        Engine e = engine();
        for (String transport : List.of("stdio", "tcp", "ws", "sse")) {
            Chan standalone = new Chan();
            Client c = new Client(e.open(new TransportInfo(transport, null, null), standalone), standalone);
            c.init();
            assertThat(c.request(1, "logging/setLevel", "{\"level\":\"error\"}").path("result").isObject()).isTrue();
        }
        assertThat(store.puts.get()).isZero();
        assertThat(store.map).isEmpty();
    }

    @Test
    void theLastActiveTimeReachesTheStoreFromTheTimer() throws Exception {
        Engine e = engine();
        Client c = client(e);
        c.init();
        String id = c.session.id();
        Instant stored = store.map.get(id).lastActive();
        ((Session) c.session).lastActive = System.currentTimeMillis() + Engine.STORE_SYNC_MS; // traffic, later on
        long deadline = System.currentTimeMillis() + 3 * Engine.STORE_SYNC_MS;
        while (!store.map.get(id).lastActive().isAfter(stored) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(store.map.get(id).lastActive()).isAfter(stored);
    }

    @Test
    void anUninitializedSessionIsNotStored() throws Exception {
        Engine e = engine();
        Client c = client(e);
        assertThat(c.pings()).isTrue();
        assertThat(store.map).isEmpty();
        c.init();
        assertThat(store.map.get(c.session.id()).protocolVersion()).isEqualTo("2025-11-25");
        assertThat(store.map.get(c.session.id()).clientInitialized()).isTrue();
    }
}
