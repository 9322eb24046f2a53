// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;


import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import io.erlmcp.http.support.HttpAnswers;

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
        return HttpAnswers.jsonRpcError(code, message);
    }

    /** Answers with one complete body ({@code application/json} when not empty). */
    static void write(Response response, Callback callback, int status, byte[] body) {
        HttpAnswers.write(response, callback, status, body);
    }

    /** Answers with a JSON-RPC error object. */
    static void error(Response response, Callback callback, int status, int code, String message) {
        write(response, callback, status, error(code, message));
    }

    /** @return whether {@code Accept} admits {@code type}, wildcards included; a missing header does not */
    static boolean accepts(Request request, String type) {
        return HttpAnswers.accepts(request, type);
    }

    static boolean isJson(String contentType) {
        return HttpAnswers.isJson(contentType);
    }
}
