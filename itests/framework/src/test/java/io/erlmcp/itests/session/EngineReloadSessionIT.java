// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.itests.TestBundles;
import io.erlmcp.itests.mcp.fixture.GreetingTool;
import io.erlmcp.session.SessionRecord;
import io.erlmcp.session.SessionStore;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.transport.events.EventStore;
import io.erlmcp.itests.SpiSessions;

/**
 * Issue 5, live: a session opened on the real engine goes on, with the same id and its negotiated state, after the
 * engine bundle is updated and refreshed (a new bundle revision, a new engine instance, a new
 * {@link McpServerEndpoint} service), because its state lives in the node bundle's {@link SessionStore}.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class EngineReloadSessionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENGINE = "io.erlmcp.engine";
    private static final String MCP_HTTP = "io.erlmcp.mcp.http";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SessionStore store;

    private int nextId = 1;

    @Test
    void aSessionKeepsItsIdAndStateAcrossAnUpdateAndRefreshOfTheEngineBundle() throws Exception {
        Bundle tool = TestBundles.install(context, TestBundles.toolBundle(
                Files.createTempDirectory("itest-session").resolve("greeting.jar"),
                "io.erlmcp.itests.fixture.session.greeting", "itest.session.greeting", GreetingTool.class));
        ServerSession session = null;
        McpServerEndpoint endpoint = null;
        try {
            tool.start();
            ServiceReference<McpServerEndpoint> before = endpointRef(null);
            McpServerEndpoint old = context.getService(before);
            Object storeService = context.getServiceReference(SessionStore.class).getProperty(Constants.SERVICE_ID);
            session = old.open(new TransportInfo("http", "127.0.0.1:1", null), new SpiSessions.Collector());
            JsonNode init = request(old, session, "initialize", "{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{\"roots\":{}},\"clientInfo\":{\"name\":\"itest\",\"version\":\"1\"}}");
            assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
            notify(old, session, "notifications/initialized");
            assertThat(request(old, session, "logging/setLevel", "{\"level\":\"error\"}").has("result")).isTrue();
            assertThat(request(old, session, "resources/subscribe", "{\"uri\":\"itest://r\"}").has("result")).isTrue();
            awaitTool(old, session, "greeting");
            String id = session.id();
            SessionRecord stored = store.get(id).orElseThrow();
            assertThat(stored.protocolVersion()).isEqualTo("2025-06-18");
            assertThat(stored.subscriptions()).containsExactly("itest://r");
            assertThat(stored.logLevel()).isEqualTo("error");

            Bundle engine = engineBundle();
            BundleRevision revisionBefore = engine.adapt(BundleRevision.class);
            updateAndRefresh(engine);
            assertThat(engine.adapt(BundleRevision.class)).as("a new revision of the engine bundle")
                    .isNotSameAs(revisionBefore);
            assertThat(session.isClosed()).as("the old engine instance ended its copy of the session").isTrue();

            assertThat(context.getServiceReference(SessionStore.class).getProperty(Constants.SERVICE_ID))
                    .as("the store (node bundle) is untouched by the engine refresh").isEqualTo(storeService);
            ServiceReference<McpServerEndpoint> after = endpointRef(before);
            assertThat(after.getProperty(Constants.SERVICE_ID)).isNotEqualTo(before.getProperty(Constants.SERVICE_ID));
            endpoint = context.getService(after);
            Optional<ServerSession> found = endpoint.find(id);
            assertThat(found).as("session %s after the engine reload", id).isPresent();
            ServerSession resumed = found.get();
            assertThat(resumed.id()).isEqualTo(id);
            assertThat(resumed.protocolVersion()).isEqualTo("2025-06-18");
            assertThat(resumed.initialized()).isTrue();

            assertThat(request(endpoint, resumed, "ping", "{}").path("result").isObject()).isTrue();
            assertThat(awaitTool(endpoint, resumed, "greeting")).contains("greeting");
            JsonNode call = request(endpoint, resumed, "tools/call",
                    "{\"name\":\"greeting\",\"arguments\":{\"name\":\"itest\"}}");
            assertThat(call.path("result").path("content").get(0).path("text").asText()).isEqualTo("hello itest");
            assertThat(store.get(id).orElseThrow().subscriptions()).containsExactly("itest://r");
            assertThat(store.get(id).orElseThrow().logLevel()).isEqualTo("error");

            resumed.close(); // as DELETE does
            assertThat(store.get(id)).isEmpty();
            assertThat(endpoint.find(id)).isEmpty();
            session = null;
        } finally {
            if (session != null && endpoint != null) {
                endpoint.find(session.id()).ifPresent(ServerSession::close);
            }
            tool.uninstall();
        }
    }

    @Test
    void aStreamableHttpClientGoesOnWithItsSessionIdAfterAnEngineReload(
            @InjectService(timeout = 10_000) ConfigurationAdmin configAdmin) throws Exception {
        int port = httpPort(configAdmin);
        HttpResponse<String> init = post(port, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"itest-http\",\"version\":\"1\"}}}");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(port, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode())
                .isEqualTo(202);
        assertThat(store.get(id)).isPresent();

        updateAndRefresh(engineBundle());

        // The transport is restarted with the engine: until it is mounted again Jetty may answer 404 or 503,
        // but never "Session not found".
        List<String> seen = new ArrayList<>();
        HttpResponse<String> list = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                list = post(port, id, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            } catch (java.io.IOException notListening) {
                seen.add(notListening.toString());
                Thread.sleep(50);
                continue;
            }
            if (list.statusCode() == 200) {
                break;
            }
            seen.add(list.statusCode() + " " + list.body());
            Thread.sleep(50);
        }
        assertThat(seen).noneMatch(r -> r.contains("Session not found"));
        assertThat(list).isNotNull();
        assertThat(list.statusCode()).as(seen.toString()).isEqualTo(200);
        assertThat(JSON.readTree(sseOrJson(list.body())).path("result").path("tools").isArray()).isTrue();

        HttpResponse<String> delete = HttpClient.newHttpClient().send(HttpRequest.newBuilder(mcp(port))
                .header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-11-25").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(store.get(id)).isEmpty();
        assertThat(post(port, id, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}").statusCode())
                .isEqualTo(404);
    }

    /**
     * Issue 4: the SSE events of a Streamable HTTP session live in the node bundle's {@link EventStore} service,
     * not in the transport, so a client resumes its stream with {@code Last-Event-ID} after the transport bundle
     * is updated and refreshed: the event sent before the reload is replayed by the new transport instance.
     */
    @Test
    void aStreamableHttpClientResumesItsSseStreamAfterATransportReload(
            @InjectService(timeout = 10_000) ConfigurationAdmin configAdmin,
            @InjectService(timeout = 10_000) EventStore events) throws Exception {
        int port = httpPort(configAdmin);
        HttpResponse<String> init = post(port, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"itest-resume\",\"version\":\"1\"}}}");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(port, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode())
                .isEqualTo(202);
        Object storeService = context.getServiceReference(EventStore.class).getProperty(Constants.SERVICE_ID);

        // The standalone GET stream: its priming event, then a notification the client receives.
        SseLines stream = SseLines.open(port, id, null);
        Bundle tool = null;
        try {
            assertThat(stream.status()).isEqualTo(200);
            String primingId = stream.nextId();
            tool = TestBundles.install(context, TestBundles.toolBundle(
                    Files.createTempDirectory("itest-resume").resolve("greeting.jar"),
                    "io.erlmcp.itests.fixture.resume.greeting", "itest.resume.greeting", GreetingTool.class));
            tool.start(); // the engine tells the session: notifications/tools/list_changed
            String[] changed = stream.nextEvent("notifications/tools/list_changed");

            Bundle transport = bundle(MCP_HTTP);
            BundleRevision revisionBefore = transport.adapt(BundleRevision.class);
            updateAndRefresh(transport);
            assertThat(transport.adapt(BundleRevision.class)).isNotSameAs(revisionBefore);
            assertThat(context.getServiceReference(EventStore.class).getProperty(Constants.SERVICE_ID))
                    .as("the event store (node bundle) is untouched by the transport refresh").isEqualTo(storeService);

            // The client lost its stream and resumes from the priming event on the new transport instance: the
            // notification it missed (as far as the server knows) is replayed, with the same id.
            SseLines resumed = null;
            List<String> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                try {
                    resumed = SseLines.open(port, id, primingId);
                } catch (java.io.IOException notListening) {
                    seen.add(notListening.toString());
                    Thread.sleep(50);
                    continue;
                }
                if (resumed.status() == 200) {
                    break;
                }
                seen.add(resumed.status() + " " + resumed.body());
                resumed.close();
                resumed = null;
                Thread.sleep(50);
            }
            assertThat(resumed).as("resumed GET; before: %s", seen).isNotNull();
            try {
                assertThat(seen).noneMatch(r -> r.contains("Last-Event-ID") || r.contains("Session not found"));
                String[] replayed = resumed.nextEvent("notifications/tools/list_changed");
                assertThat(replayed[0]).as("the replayed event keeps its id").isEqualTo(changed[0]);
            } finally {
                resumed.close();
            }
            // DELETE ends the session and its events.
            HttpResponse<String> delete = HttpClient.newHttpClient().send(HttpRequest.newBuilder(mcp(port))
                    .header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-11-25").DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(delete.statusCode()).isEqualTo(200);
            assertThat(events.streamOf(id, changed[0])).isEmpty();
        } finally {
            stream.close();
            if (tool != null) {
                tool.uninstall();
            }
        }
    }

    /** The lines of one SSE answer to a GET, read on a thread of their own so that a wait can time out. */
    static final class SseLines implements AutoCloseable {
        private final HttpResponse<java.util.stream.Stream<String>> response;
        private final java.util.concurrent.BlockingQueue<String> lines =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread reader;

        private SseLines(HttpResponse<java.util.stream.Stream<String>> response) {
            this.response = response;
            this.reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException closed) {
                    // the stream ended
                }
            }, "itest-sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static SseLines open(int port, String sessionId, String lastEventId) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(mcp(port)).header("Accept", "text/event-stream")
                    .header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", "2025-11-25").GET();
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            return new SseLines(HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofLines()));
        }

        int status() {
            return response.statusCode();
        }

        /** @return what arrived within a second (for an error answer's body) */
        String body() throws InterruptedException {
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = lines.poll(1, TimeUnit.SECONDS)) != null) {
                sb.append(line);
            }
            return sb.toString();
        }

        /** @return the id of the next event that has one */
        String nextId() throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("id:")) {
                    return line.substring(3).strip();
                }
            }
            throw new AssertionError("no SSE event id within 10 s");
        }

        /** @return {id, data} of the next event whose data contains {@code text} */
        String[] nextEvent(String text) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            String id = null;
            while (System.currentTimeMillis() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:") && line.contains(text)) {
                    return new String[] {id, line.substring(5).strip()};
                } else if (line.isEmpty()) {
                    id = null;
                }
            }
            throw new AssertionError("no SSE event with " + text + " within 10 s");
        }

        @Override
        public void close() {
            response.body().close();
            reader.interrupt();
        }
    }

    /** @return the port of the node's HTTP server: the configured one, or a free one configured now */
    static int httpPort(ConfigurationAdmin configAdmin) throws Exception {
        Configuration configuration = configAdmin.getConfiguration("io.erlmcp.http", "?");
        Dictionary<String, Object> current = configuration.getProperties();
        Object configured = current == null ? null : current.get("port");
        int port;
        if (configured instanceof Number n && n.intValue() > 0) {
            port = n.intValue();
        } else {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("host", "127.0.0.1");
            properties.put("port", port);
            configuration.update(properties);
        }
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return port;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("HTTP server not listening on " + port);
    }

    private static URI mcp(int port) {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    static HttpResponse<String> post(int port, String sessionId, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(mcp(port)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", "2025-11-25");
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return the JSON of a plain JSON body, or of the last {@code data:} line of an SSE body */
    private static String sseOrJson(String body) {
        String json = body.strip();
        if (json.startsWith("{")) {
            return json;
        }
        String last = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                last = line.substring(5).strip();
            }
        }
        return last;
    }

    private Bundle engineBundle() {
        return bundle(ENGINE);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no " + symbolicName + " bundle");
    }

    /** Updates a bundle from its own jar (a new revision) and refreshes it, as a reload does. */
    private void updateAndRefresh(Bundle engine) throws Exception {
        String location = engine.getLocation();
        String url = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        try (InputStream in = url.contains(":/") ? URI.create(url).toURL().openStream()
                : Files.newInputStream(Path.of(url))) {
            engine.update(in);
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class)
                .refreshBundles(List.of(engine), e -> {
                    if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                        refreshed.countDown();
                    }
                });
        assertThat(refreshed.await(20, TimeUnit.SECONDS)).as("refresh of " + engine.getSymbolicName()).isTrue();
        assertThat(engine.getState()).isEqualTo(Bundle.ACTIVE);
    }

    /** @return the endpoint service, waiting for one other than {@code not} */
    private ServiceReference<McpServerEndpoint> endpointRef(ServiceReference<McpServerEndpoint> not)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            ServiceReference<McpServerEndpoint> ref = context.getServiceReference(McpServerEndpoint.class);
            if (ref != null && (not == null || !ref.getProperty(Constants.SERVICE_ID)
                    .equals(not.getProperty(Constants.SERVICE_ID)))) {
                return ref;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no (new) McpServerEndpoint service within 10 s");
    }

    /** Lists tools until {@code name} is among them (the whiteboard binds the tool asynchronously). */
    private List<String> awaitTool(McpServerEndpoint endpoint, ServerSession session, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> names = List.of();
        while (System.currentTimeMillis() < deadline) {
            names = new ArrayList<>();
            for (JsonNode t : request(endpoint, session, "tools/list", "{}").path("result").path("tools")) {
                names.add(t.path("name").asText());
            }
            if (names.contains(name)) {
                return names;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no tool " + name + " within 10 s: " + names);
    }

    private JsonNode request(McpServerEndpoint endpoint, ServerSession session, String method, String params)
            throws Exception {
        return SpiSessions.request(endpoint, session, nextId++, method, params, Duration.ofSeconds(10));
    }

    private static void notify(McpServerEndpoint endpoint, ServerSession session, String method) throws Exception {
        SpiSessions.notify(endpoint, session, method);
    }
}
