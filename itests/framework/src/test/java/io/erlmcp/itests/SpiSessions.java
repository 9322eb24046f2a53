// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;

/**
 * Drives a session of the real engine through the transport SPI, as a transport would: frames in, messages
 * out on a collecting channel. Shared by the in-framework tests that act as MCP clients.
 */
public final class SpiSessions {

    public static final ObjectMapper JSON = new ObjectMapper();

    private SpiSessions() {
    }

    /**
     * Sends one request and waits for every response the frame owes.
     *
     * @return the response carrying {@code id}
     * @throws IllegalStateException when the session answered the frame without that response
     */
    public static JsonNode request(McpServerEndpoint endpoint, ServerSession session, int id, String method,
            String params, Duration timeout) throws Exception {
        Collector related = new Collector();
        byte[] frame = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                + "}").getBytes(StandardCharsets.UTF_8);
        session.receive(endpoint.parse(frame), related).toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (JsonNode message : related.messages) {
            if (message.path("id").asInt(-1) == id) {
                return message;
            }
        }
        throw new IllegalStateException("no response to " + method + ": " + related.messages);
    }

    /** Sends one notification (no params) and waits until the session has taken it. */
    public static void notify(McpServerEndpoint endpoint, ServerSession session, String method) throws Exception {
        byte[] frame = ("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}").getBytes(StandardCharsets.UTF_8);
        session.receive(endpoint.parse(frame), new Collector()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A channel that keeps every message, parsed. */
    public static final class Collector implements MessageChannel {
        public final List<JsonNode> messages = new CopyOnWriteArrayList<>();

        @Override
        public void send(byte[] json, MessageKind kind) {
            try {
                messages.add(JSON.readTree(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        /** Waits up to 10 s until at least {@code count} notifications named {@code method} arrived. */
        public void await(String method, int count) throws InterruptedException {
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
