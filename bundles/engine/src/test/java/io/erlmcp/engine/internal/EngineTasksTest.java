// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import static io.erlmcp.engine.internal.EngineTest.req;
import static io.erlmcp.engine.internal.EngineTest.tool;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.engine.internal.Harness.Chan;
import io.erlmcp.engine.internal.Harness.Client;
import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.ElicitRequest;
import io.erlmcp.mcp.ToolDefinition;

/** Tasks (2025-11-25, experimental): task-augmented tools/call and tasks/get, result, list, cancel. */
class EngineTasksTest {

    static final String RELATED = "io.modelcontextprotocol/related-task";

    Harness h;
    Client c;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch blockedStarted = new CountDownLatch(1);
    final AtomicBoolean blockedInterrupted = new AtomicBoolean();

    static ToolDefinition def(String name, String taskSupport) {
        return new ToolDefinition(name, null, name, ToolDefinition.EMPTY_OBJECT_SCHEMA, null, null, null, null,
                taskSupport);
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(2);
        Engine e = h.engine;
        e.addTool(tool(def("quick", "optional"), (call, ctx) -> CallToolResult.text("quick done")), "b");
        e.addTool(tool(def("must", "required"), (call, ctx) -> CallToolResult.text("must done")), "b");
        e.addTool(tool(def("plain", null), (call, ctx) -> CallToolResult.text("plain done")), "b");
        e.addTool(tool(def("never", "forbidden"), (call, ctx) -> CallToolResult.text("never")), "b");
        e.addTool(tool(def("broken", "optional"), (call, ctx) -> CallToolResult.error("rate limit exceeded")), "b");
        e.addTool(tool(def("blocked", "optional"), (call, ctx) -> {
            blockedStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                blockedInterrupted.set(true);
                Thread.currentThread().interrupt();
                return CallToolResult.text("interrupted");
            }
            return CallToolResult.text("released");
        }), "b");
        e.addTool(tool(def("ask_later", "optional"), (call, ctx) -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return ctx.elicit(ElicitRequest.form("Name?", "{\"type\":\"object\"}"))
                    .thenApply(r -> CallToolResult.text("got " + r.action()));
        }), "b");
        e.addTool(tool(def("ask", "optional"), (call, ctx) -> ctx.elicit(ElicitRequest.form("Name?",
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}"))
                .thenApply(r -> CallToolResult.text("hello " + r.content().get("name")))), "b");
        Thread.sleep(120); // let the registrations' list_changed pass
        c = h.client();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        h.close();
    }

    JsonNode startTask(int id, String tool, String task) throws Exception {
        return c.request(id, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{},\"task\":" + task + "}");
    }

    JsonNode awaitStatus(String taskId, String status) throws Exception {
        JsonNode r = null;
        for (int i = 0; i < 100; i++) {
            r = c.request(90, "tasks/get", "{\"taskId\":\"" + taskId + "\"}");
            if (status.equals(r.path("result").path("status").asText())) {
                return r.path("result");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("task " + taskId + " never reached " + status + ": " + r);
    }

    @Test
    void capabilityOnlyFor20251125() throws Exception {
        JsonNode caps = c.init().path("result").path("capabilities");
        assertThat(caps.path("tasks").has("list")).isTrue();
        assertThat(caps.path("tasks").has("cancel")).isTrue();
        assertThat(caps.path("tasks").path("requests").path("tools").has("call")).isTrue();

        Client old = h.client();
        assertThat(old.init("2025-06-18", "{}").path("result").path("capabilities").has("tasks")).isFalse();
        // No tasks capability offered: a task field is ignored and even a "required" tool runs as a plain call.
        JsonNode r = old.request(1, "tools/call", "{\"name\":\"must\",\"task\":{\"ttl\":1000}}");
        assertThat(r.path("result").path("content").get(0).path("text").asText()).isEqualTo("must done");
        assertThat(old.request(2, "tasks/list", null).path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(old.pings()).isTrue();
    }

    @Test
    void toolsListShowsTaskSupport() throws Exception {
        c.init();
        JsonNode all = c.request(1, "tools/list", null);
        String cursor = all.path("result").path("nextCursor").asText(null);
        java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
        all.path("result").path("tools").forEach(t -> byName.put(t.path("name").asText(), t));
        while (cursor != null) {
            JsonNode next = c.request(2, "tools/list", "{\"cursor\":\"" + cursor + "\"}");
            next.path("result").path("tools").forEach(t -> byName.put(t.path("name").asText(), t));
            cursor = next.path("result").path("nextCursor").asText(null);
        }
        assertThat(byName.get("quick").path("execution").path("taskSupport").asText()).isEqualTo("optional");
        assertThat(byName.get("must").path("execution").path("taskSupport").asText()).isEqualTo("required");
        assertThat(byName.get("plain").has("execution")).isFalse();
    }

    @Test
    void taskLifecycleToResult() throws Exception {
        c.init();
        JsonNode created = startTask(1, "quick", "{\"ttl\":999999999}").path("result").path("task");
        String id = created.path("taskId").asText();
        assertThat(id).hasSizeGreaterThanOrEqualTo(22);
        assertThat(created.path("status").asText()).isEqualTo("working");
        assertThat(created.path("ttl").asLong()).isEqualTo(3_600_000L); // capped at the engine's maximum
        assertThat(created.path("pollInterval").asLong()).isEqualTo(1000L);
        assertThat(created.path("createdAt").asText()).isNotEmpty();
        assertThat(created.path("lastUpdatedAt").asText()).isNotEmpty();

        JsonNode done = awaitStatus(id, "completed");
        assertThat(done.path("taskId").asText()).isEqualTo(id);

        JsonNode result = c.request(3, "tasks/result", "{\"taskId\":\"" + id + "\"}").path("result");
        assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("quick done");
        assertThat(result.path("_meta").path(RELATED).path("taskId").asText()).isEqualTo(id);

        JsonNode status = c.standalone.next();
        assertThat(status.path("method").asText()).isEqualTo("notifications/tasks/status");
        assertThat(status.path("params").path("taskId").asText()).isEqualTo(id);
        assertThat(status.path("params").path("status").asText()).isEqualTo("completed");

        JsonNode cancel = c.request(4, "tasks/cancel", "{\"taskId\":\"" + id + "\"}");
        assertThat(cancel.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(cancel.path("error").path("message").asText()).contains("completed");
        assertThat(c.pings()).isTrue();
    }

    @Test
    void taskSupportIsEnforced() throws Exception {
        c.init();
        assertThat(startTask(1, "plain", "{}").path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(startTask(2, "never", "{}").path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(c.request(3, "tools/call", "{\"name\":\"must\"}").path("error").path("code").asInt())
                .isEqualTo(-32601);
        assertThat(startTask(4, "quick", "5").path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(startTask(5, "quick", "{\"ttl\":\"x\"}").path("error").path("code").asInt()).isEqualTo(-32602);
        // optional: a plain call still works
        assertThat(c.request(6, "tools/call", "{\"name\":\"quick\"}").path("result").path("content").get(0)
                .path("text").asText()).isEqualTo("quick done");
        JsonNode must = startTask(7, "must", "{}").path("result").path("task");
        awaitStatus(must.path("taskId").asText(), "completed");
        assertThat(c.pings()).isTrue();
    }

    @Test
    void unknownTaskIsInvalidParams() throws Exception {
        c.init();
        for (String m : new String[] { "tasks/get", "tasks/result", "tasks/cancel" }) {
            JsonNode r = c.request(1, m, "{\"taskId\":\"nope\"}");
            assertThat(r.path("error").path("code").asInt()).as(m).isEqualTo(-32602);
        }
        assertThat(c.request(2, "tasks/get", "{}").path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(c.request(3, "tasks/list", "{\"cursor\":\"!!\"}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.pings()).isTrue();
    }

    @Test
    void failedToolMakesAFailedTask() throws Exception {
        c.init();
        String id = startTask(1, "broken", "{}").path("result").path("task").path("taskId").asText();
        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.path("statusMessage").asText()).contains("rate limit");
        JsonNode result = c.request(2, "tasks/result", "{\"taskId\":\"" + id + "\"}").path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("_meta").path(RELATED).path("taskId").asText()).isEqualTo(id);
    }

    @Test
    void resultBlocksUntilTheTaskEnds() throws Exception {
        c.init();
        String id = startTask(1, "blocked", "{}").path("result").path("task").path("taskId").asText();
        assertThat(blockedStarted.await(5, TimeUnit.SECONDS)).isTrue();
        Chan ch = new Chan();
        CompletableFuture<Void> waiting = c.start(req(2, "tasks/result", "{\"taskId\":\"" + id + "\"}"), ch);
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        assertThat(awaitStatus(id, "working").path("status").asText()).isEqualTo("working");
        release.countDown();
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(ch.all).hasSize(1);
        assertThat(ch.all.get(0).path("result").path("content").get(0).path("text").asText()).isEqualTo("released");
    }

    @Test
    void cancelStopsTheHandlerAndKeepsTheTaskCancelled() throws Exception {
        c.init();
        String id = startTask(1, "blocked", "{}").path("result").path("task").path("taskId").asText();
        assertThat(blockedStarted.await(5, TimeUnit.SECONDS)).isTrue();
        Chan ch = new Chan();
        CompletableFuture<Void> waiting = c.start(req(2, "tasks/result", "{\"taskId\":\"" + id + "\"}"), ch);
        JsonNode cancelled = c.request(3, "tasks/cancel", "{\"taskId\":\"" + id + "\"}").path("result");
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.path("taskId").asText()).isEqualTo(id);
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(ch.all.get(0).path("error").path("code").asInt()).isEqualTo(-32603);
        Thread.sleep(100);
        assertThat(blockedInterrupted.get()).isTrue();
        assertThat(awaitStatus(id, "cancelled").path("statusMessage").asText()).contains("cancelled");
        assertThat(c.request(4, "tasks/cancel", "{\"taskId\":\"" + id + "\"}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(h.engine.stats().inFlight()).isZero();
        assertThat(c.pings()).isTrue();
    }

    @Test
    void listIsPaginatedAndSessionBound() throws Exception {
        c.init();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(startTask(i + 1, "quick", "{}").path("result").path("task").path("taskId").asText());
        }
        java.util.List<String> listed = new java.util.ArrayList<>();
        JsonNode page = c.request(10, "tasks/list", null).path("result");
        listed.add(page.path("tasks").get(0).path("taskId").asText());
        listed.add(page.path("tasks").get(1).path("taskId").asText());
        int pages = 1;
        while (page.has("nextCursor")) {
            page = c.request(11, "tasks/list", "{\"cursor\":\"" + page.path("nextCursor").asText() + "\"}")
                    .path("result");
            page.path("tasks").forEach(t -> listed.add(t.path("taskId").asText()));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyElementsOf(ids);

        Client other = h.client();
        other.init();
        assertThat(other.request(1, "tasks/list", null).path("result").path("tasks")).isEmpty();
        assertThat(other.request(2, "tasks/get", "{\"taskId\":\"" + ids.get(0) + "\"}").path("error").path("code")
                .asInt()).isEqualTo(-32602);
    }

    @Test
    void elicitationInATaskGoesToTheWaitingResultAndMarksInputRequired() throws Exception {
        c.init();
        String id = startTask(1, "ask", "{}").path("result").path("task").path("taskId").asText();
        awaitStatus(id, "input_required");
        // The elicitation went out before tasks/result was called: on the standalone channel.
        JsonNode elicit = null;
        while (elicit == null) {
            JsonNode m = c.standalone.next();
            if ("elicitation/create".equals(m.path("method").asText())) {
                elicit = m;
            }
        }
        assertThat(elicit.path("params").path("_meta").path(RELATED).path("taskId").asText()).isEqualTo(id);
        Chan ch = new Chan();
        CompletableFuture<Void> waiting = c.start(req(2, "tasks/result", "{\"taskId\":\"" + id + "\"}"), ch);
        c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + elicit.path("id").asText()
                + "\",\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"},\"_meta\":{\"" + RELATED
                + "\":{\"taskId\":\"" + id + "\"}}}}");
        waiting.get(5, TimeUnit.SECONDS);
        JsonNode result = ch.all.get(ch.all.size() - 1).path("result");
        assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("hello Ada");
        assertThat(awaitStatus(id, "completed").path("status").asText()).isEqualTo("completed");
    }

    @Test
    void closingTheSessionCancelsItsTasks() throws Exception {
        c.init();
        startTask(1, "blocked", "{}");
        assertThat(blockedStarted.await(5, TimeUnit.SECONDS)).isTrue();
        c.session.close();
        Thread.sleep(100);
        assertThat(blockedInterrupted.get()).isTrue();
        assertThat(h.engine.stats().inFlight()).isZero();
    }

    @Test
    void requestsOfARunningTaskGoToTheWaitingResultStream() throws Exception {
        c.init();
        String id = startTask(1, "ask_later", "{}").path("result").path("task").path("taskId").asText();
        Chan ch = new Chan();
        CompletableFuture<Void> waiting = c.start(req(2, "tasks/result", "{\"taskId\":\"" + id + "\"}"), ch);
        Thread.sleep(50);
        release.countDown();
        JsonNode elicit = ch.next();
        assertThat(elicit.path("method").asText()).isEqualTo("elicitation/create");
        assertThat(elicit.path("params").path("_meta").path(RELATED).path("taskId").asText()).isEqualTo(id);
        assertThat(awaitStatus(id, "input_required").path("taskId").asText()).isEqualTo(id);
        c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + elicit.path("id").asText()
                + "\",\"result\":{\"action\":\"decline\"}}");
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(ch.all.get(ch.all.size() - 1).path("result").path("content").get(0).path("text").asText())
                .isEqualTo("got decline");
    }
}
