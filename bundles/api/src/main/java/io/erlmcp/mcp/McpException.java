// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/**
 * A protocol failure carrying a JSON-RPC error. A handler throws it (or completes its stage with it) to answer
 * with that error instead of {@link ErrorCodes#INTERNAL_ERROR}; the engine completes a server-to-client request
 * exceptionally with it when the client answers with an error.
 */
public class McpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final transient Object data;

    public McpException(int code, String message) {
        this(code, message, null);
    }

    /** @param data optional error data: a {@link JsonText} or any value the engine can convert */
    public McpException(int code, String message, Object data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    /** @return the JSON-RPC error code */
    public int code() {
        return code;
    }

    /** @return the error data, or {@code null} */
    public Object data() {
        return data;
    }

    public static McpException invalidParams(String message) {
        return new McpException(ErrorCodes.INVALID_PARAMS, message);
    }

    public static McpException resourceNotFound(String uri) {
        return new McpException(ErrorCodes.RESOURCE_NOT_FOUND, "Resource not found: " + uri,
                JsonText.of("{\"uri\":" + quote(uri) + "}"));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
