// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Media types, JSON-RPC error bodies and small HTTP helpers of the HTTP+SSE transport. The error body, the
 * {@code Accept} and {@code Content-Type} checks follow {@code io.erlmcp.mcp.http.internal.McpHttp} and
 * {@code McpHttpHandler} (copied: that package is private to its bundle).
 */
final class Sse {

    static final String APPLICATION_JSON = "application/json";
    static final String TEXT_EVENT_STREAM = "text/event-stream";
    /** The query parameter that names the session on {@code POST /messages}, as the SDKs spell it. */
    static final String SESSION_ID = "sessionId";

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server error, as the SDKs use for transport refusals. */
    static final int SERVER_ERROR = -32000;
    /** The SDKs' code for an unknown session. */
    static final int SESSION_NOT_FOUND = -32001;

    private Sse() {
    }

    /** @return a JSON-RPC error response with {@code "id": null}, UTF-8 */
    static byte[] error(int code, String message) {
        StringBuilder b = new StringBuilder(64 + message.length());
        b.append("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":").append(code).append(",\"message\":\"");
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append("\"}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Answers with one complete body ({@code application/json} when not empty). */
    static void write(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        if (body.length > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, APPLICATION_JSON);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Answers with a JSON-RPC error object. */
    static void error(Response response, Callback callback, int status, int code, String message) {
        write(response, callback, status, error(code, message));
    }

    /** @return whether {@code Accept} admits {@code type}, wildcards included; a missing header does not */
    static boolean accepts(Request request, String type) {
        List<String> values = request.getHeaders().getValuesList(HttpHeader.ACCEPT);
        String major = type.substring(0, type.indexOf('/'));
        for (String value : values) {
            for (String item : value.split(",")) {
                int semi = item.indexOf(';');
                String media = (semi < 0 ? item : item.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
                if (media.equals(type) || media.equals("*/*") || media.equals(major + "/*")) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String media = semi < 0 ? contentType : contentType.substring(0, semi);
        return media.trim().equalsIgnoreCase(APPLICATION_JSON);
    }
}
