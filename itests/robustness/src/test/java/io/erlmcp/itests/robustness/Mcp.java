// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC messages of a well-behaved MCP client, and reading the server's. */
final class Mcp {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String VERSION = "2025-11-25";

    private Mcp() {
    }

    /** {@code initialize} declaring elicitation, so that {@code test_elicitation} asks this client. */
    static String initialize(long id) {
        return initialize(id, VERSION);
    }

    static String initialize(long id, String version) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + version + "\",\"capabilities\":{\"elicitation\":{}},\"clientInfo\":{\"name\":\"robustness\","
                + "\"version\":\"1\"}}}";
    }

    static String initialized() {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    }

    static String echo(long id, String message) {
        ObjectNode call = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        call.putObject("params").put("name", "echo").putObject("arguments").put("message", message);
        return call.toString();
    }

    /** How a transport sends one JSON-RPC message. */
    interface Sender {
        void send(String json) throws IOException;
    }

    /**
     * Sends {@code calls} echo calls of {@code message} (ids 100, 101, ...), stopping at the first send that fails
     * (the server closed the connection, or the node exited, while the client was writing).
     *
     * @return the calls sent
     */
    static int sendEchoes(Sender sender, int calls, String message) {
        int sent = 0;
        try {
            for (; sent < calls; sent++) {
                sender.send(echo(100 + sent, message));
            }
        } catch (IOException closedWhileSending) {
            // the calls sent so far are the count
        }
        return sent;
    }

    /** A call of the examples' {@code test_elicitation}: it waits for the client to answer elicitation/create. */
    static String elicitation(long id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"test_elicitation\",\"arguments\":{\"message\":\"who are you?\"}}}";
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static JsonNode parse(byte[] json) {
        return parse(new String(json, StandardCharsets.UTF_8));
    }

    /** @return the text of the first content block of a tools/call result */
    static String text(JsonNode response) {
        return response.path("result").path("content").path(0).path("text").asText(null);
    }

    /** @return whether {@code message} is an error response with {@code code} and {@code "id": null} */
    static boolean isError(JsonNode message, int code) {
        return message.path("error").path("code").asInt() == code && message.has("id") && message.get("id").isNull();
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }
}
