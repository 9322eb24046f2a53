// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A failed MCP request: a JSON-RPC error from the server (with its code and data), a timeout or a transport error. */
public class McpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Not a JSON-RPC error code: the request timed out or the transport failed. */
    public static final int NO_CODE = 0;

    private final int code;
    private final transient JsonNode data;

    public McpException(int code, String message, JsonNode data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    public McpException(String message, Throwable cause) {
        super(message, cause);
        this.code = NO_CODE;
        this.data = null;
    }

    /** The JSON-RPC error code, or {@link #NO_CODE}. */
    public int code() {
        return code;
    }

    /** The error's data, or null. */
    public JsonNode data() {
        return data;
    }
}
