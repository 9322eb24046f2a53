// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.Set;
import io.erlmcp.http.support.HttpAnswers;

/** Header names, media types, protocol versions and the JSON-RPC error bodies of the Streamable HTTP transport. */
final class McpHttp {

    static final String SESSION_ID = "Mcp-Session-Id";
    static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    static final String LAST_EVENT_ID = "Last-Event-ID";

    static final String APPLICATION_JSON = "application/json";
    static final String TEXT_EVENT_STREAM = "text/event-stream";

    /** The version a request without {@link #PROTOCOL_VERSION} is assumed to speak (spec 2025-06-18, "Transports"). */
    static final String DEFAULT_PROTOCOL_VERSION = "2025-03-26";
    /** The first version whose POST streams open with a priming event (SEP-1699). */
    static final String RESUMABLE_SINCE = "2025-11-25";
    static final Set<String> SUPPORTED_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server error, as the SDKs use for transport refusals. */
    static final int SERVER_ERROR = -32000;
    /** The SDKs' code for an unknown session. */
    static final int SESSION_NOT_FOUND = -32001;

    private McpHttp() {
    }

    /** @return a JSON-RPC error response with {@code "id": null}, UTF-8 */
    static byte[] error(int code, String message) {
        return HttpAnswers.jsonRpcError(code, message);
    }

    /** @return whether a session of {@code version} gets priming events and event ids worth resuming from */
    static boolean resumable(String version) {
        return version != null && version.compareTo(RESUMABLE_SINCE) >= 0;
    }
}
