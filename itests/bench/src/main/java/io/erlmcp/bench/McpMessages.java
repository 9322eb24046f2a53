// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

/** The JSON-RPC messages the benchmark clients send, as an MCP SDK client would write them. */
final class McpMessages {

    /** The protocol version every benchmark client negotiates. */
    static final String PROTOCOL_VERSION = "2025-11-25";

    /** A minimal but realistic {@code initialize}: client name and version, no capabilities. */
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"" + PROTOCOL_VERSION + "\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"erlmcp-bench\",\"version\":\"1.0.0\"}}}";

    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private McpMessages() {
    }

    /** @return a {@code tools/call} of the echo tool */
    static String echoCall(long id, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"" + message + "\"}}}";
    }

    /** @return whether {@code answer} is a successful echo result carrying {@code message} */
    static boolean isEcho(String answer, String message) {
        return answer != null && answer.contains(message) && !answer.contains("\"isError\":true")
                && !answer.contains("\"error\"");
    }

    /** @return whether {@code json} is a request or notification from the server rather than a response */
    static boolean fromServer(String json) {
        return json.contains("\"method\"");
    }
}
