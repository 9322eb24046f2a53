// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.itests.TestBundles;
import io.erlmcp.itests.mcp.fixture.GreetingTool;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * The whiteboard, live: a session of the real engine in the real framework sees a tool bundle installed at
 * runtime, after a {@code notifications/tools/list_changed}, and sees it go when the bundle is uninstalled.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ToolWhiteboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    McpServerEndpoint endpoint;

    private final Collector standalone = new Collector();
    private ServerSession session;
    private int nextId = 1;

    @BeforeEach
    void openSession() throws Exception {
        session = endpoint.open(new TransportInfo("itest", null, null), standalone);
        JsonNode init = request("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"itest\",\"version\":\"1\"}}");
        assertThat(init.path("result").path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
        notify("notifications/initialized");
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    @Test
    void aToolBundleInstalledAtRuntimeIsListedAfterListChangedAndGoneWhenUninstalled() throws Exception {
        assertThat(toolNames()).doesNotContain("greeting");

        Bundle tool = install(greetingBundle(Files.createTempDirectory("itest-tools").resolve("greeting.jar")));
        try {
            tool.start();
            standalone.await("notifications/tools/list_changed", 1);
            assertThat(toolNames()).contains("greeting");
            JsonNode call = request("tools/call", "{\"name\":\"greeting\",\"arguments\":{\"name\":\"itest\"}}");
            assertThat(call.path("result").path("content").get(0).path("text").asText()).isEqualTo("hello itest");
        } finally {
            tool.uninstall();
        }
        standalone.await("notifications/tools/list_changed", 2);
        assertThat(toolNames()).doesNotContain("greeting");
        JsonNode gone = request("tools/call", "{\"name\":\"greeting\",\"arguments\":{\"name\":\"itest\"}}");
        assertThat(gone.path("error").path("code").asInt()).isEqualTo(-32602);
    }

    private List<String> toolNames() throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = request("tools/list", cursor == null ? "{}" : "{\"cursor\":" + JSON.writeValueAsString(cursor) + "}");
            page.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
            cursor = page.path("result").hasNonNull("nextCursor") ? page.path("result").get("nextCursor").asText() : null;
        } while (cursor != null);
        return names;
    }

    private Bundle install(Path jar) throws Exception {
        try (InputStream in = Files.newInputStream(jar)) {
            return context.installBundle("itest:" + jar, in);
        }
    }

    private static Path greetingBundle(Path target) throws Exception {
        String ds = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="itest.greeting">
                  <implementation class="%s"/>
                  <service><provide interface="io.erlmcp.mcp.Tool"/></service>
                </scr:component>
                """.formatted(GreetingTool.class.getName());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Manifest-Version", "1.0");
        headers.put("Bundle-ManifestVersion", "2");
        headers.put("Bundle-SymbolicName", "io.erlmcp.itests.fixture.greeting");
        headers.put("Bundle-Version", "1.0.0");
        headers.put("Import-Package", "io.erlmcp.mcp;version=\"[1,2)\"");
        headers.put("Service-Component", "OSGI-INF/greeting.xml");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("OSGI-INF/greeting.xml", ds.getBytes(StandardCharsets.UTF_8));
        entries.put(TestBundles.classFile(GreetingTool.class), TestBundles.classBytes(GreetingTool.class));
        return TestBundles.write(target, headers, entries);
    }

    private JsonNode request(String method, String params) throws Exception {
        int id = nextId++;
        Collector related = new Collector();
        byte[] frame = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}")
                .getBytes(StandardCharsets.UTF_8);
        session.receive(endpoint.parse(frame), related).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (JsonNode message : related.messages) {
            if (message.path("id").asInt(-1) == id) {
                return message;
            }
        }
        throw new AssertionError("no response to " + method + ": " + related.messages);
    }

    private void notify(String method) throws Exception {
        byte[] frame = ("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}").getBytes(StandardCharsets.UTF_8);
        session.receive(endpoint.parse(frame), new Collector()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A channel that keeps every message, parsed. */
    static final class Collector implements MessageChannel {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();

        @Override
        public void send(byte[] json, MessageKind kind) {
            try {
                messages.add(JSON.readTree(json));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        void await(String method, int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                if (messages.stream().filter(m -> method.equals(m.path("method").asText())).count() >= count) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + count + "x " + method + " within 10 s; got " + messages);
        }
    }
}
