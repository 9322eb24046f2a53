// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** What every MCP transport on the node's Jetty server answers alike: complete JSON bodies, JSON-RPC errors, media types. */
public final class HttpAnswers {

    /** The JSON media type. */
    public static final String APPLICATION_JSON = "application/json";

    private HttpAnswers() {
    }

    /** @return a JSON-RPC error response with {@code "id": null} and {@code message} escaped, as UTF-8 */
    public static byte[] jsonRpcError(int code, String message) {
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

    /** Answers with one complete body, typed {@code application/json} when it is not empty, and completes the callback. */
    public static void write(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        if (body.length > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, APPLICATION_JSON);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * Whether {@code Accept} admits {@code type}. Wildcards count ({@code *}{@code /*}, {@code text/*}): a client
     * that takes anything can take this answer (RFC 9110, 12.5.1). A missing header does not; the caller decides
     * what that means for its transport.
     */
    public static boolean accepts(Request request, String type) {
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

    /** @return whether a {@code Content-Type} value is {@code application/json}, parameters ignored */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String media = semi < 0 ? contentType : contentType.substring(0, semi);
        return media.trim().equalsIgnoreCase(APPLICATION_JSON);
    }
}
