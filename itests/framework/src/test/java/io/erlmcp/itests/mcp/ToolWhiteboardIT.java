// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

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

import io.erlmcp.itests.TestBundles;
import io.erlmcp.itests.mcp.fixture.GreetingTool;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.itests.SpiSessions;
import java.time.Duration;

/**
 * The whiteboard, live: a session of the real engine in the real framework sees a tool bundle installed at
 * runtime, after a {@code notifications/tools/list_changed}, and sees it go when the bundle is uninstalled.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ToolWhiteboardIT {

        @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    McpServerEndpoint endpoint;

    private final SpiSessions.Collector standalone = new SpiSessions.Collector();
    private ServerSession session;
    private int nextId = 1;

    @BeforeEach
    void openSession() throws Exception {
        session = endpoint.open(new TransportInfo("itest", null, null), standalone);
        JsonNode init = request("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"itest\",\"version\":\"1\"}}");
        assertThat(init.path("result").path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
        SpiSessions.notify(endpoint, session, "notifications/initialized");
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    @Test
    void aToolBundleInstalledAtRuntimeIsListedAfterListChangedAndGoneWhenUninstalled() throws Exception {
        assertThat(toolNames()).doesNotContain("greeting");

        Bundle tool = TestBundles.install(context, TestBundles.toolBundle(
                Files.createTempDirectory("itest-tools").resolve("greeting.jar"), "io.erlmcp.itests.fixture.greeting",
                "itest.greeting", GreetingTool.class));
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
            JsonNode page = request("tools/list", cursor == null ? "{}" : "{\"cursor\":" + SpiSessions.JSON.writeValueAsString(cursor) + "}");
            page.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
            cursor = page.path("result").hasNonNull("nextCursor") ? page.path("result").get("nextCursor").asText() : null;
        } while (cursor != null);
        return names;
    }

    private JsonNode request(String method, String params) throws Exception {
        return SpiSessions.request(endpoint, session, nextId++, method, params, Duration.ofSeconds(10));
    }
}
