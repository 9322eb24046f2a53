// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/** JSON-RPC 2.0 envelopes: classification and serialization. */
final class Rpc {

    private Rpc() {
    }

    static boolean validId(JsonNode id) {
        return id != null && (id.isTextual() || id.isIntegralNumber());
    }

    static boolean isRequest(JsonNode m) {
        return m.isObject() && m.path("method").isTextual() && m.has("id");
    }

    static boolean isNotification(JsonNode m) {
        return m.isObject() && m.path("method").isTextual() && !m.has("id");
    }

    static boolean isResponse(JsonNode m) {
        return m.isObject() && !m.has("method") && m.has("id") && (m.has("result") || m.has("error"));
    }

    /** @return what is wrong with the envelope, or {@code null} when it is a valid request, notification or response */
    static String envelopeProblem(JsonNode m) {
        if (!m.isObject()) {
            return "a message must be a JSON object";
        }
        if (!"2.0".equals(m.path("jsonrpc").asText(null)) || !m.get("jsonrpc").isTextual()) {
            return "jsonrpc must be \"2.0\"";
        }
        if (m.has("method")) {
            if (!m.get("method").isTextual()) {
                return "method must be a string";
            }
            if (m.has("id") && !validId(m.get("id"))) {
                return "id must be a string or an integer";
            }
            JsonNode p = m.get("params");
            if (p != null && !p.isObject() && !p.isArray()) {
                return "params must be an object";
            }
            return null;
        }
        if (m.has("id") && (m.has("result") ^ m.has("error"))) {
            return null;
        }
        return "not a request, notification or response";
    }

    /** @return the message's id when it can be echoed in an error, else {@code null} */
    static JsonNode usableId(JsonNode m) {
        JsonNode id = m.isObject() ? m.get("id") : null;
        return validId(id) ? id : null;
    }

    /** @return a stable map key for a request id (string and number ids never collide) */
    static String key(JsonNode id) {
        return id.isTextual() ? "s:" + id.asText() : "n:" + id.asText();
    }

    static void id(JsonGenerator g, JsonNode id) throws IOException {
        g.writeFieldName("id");
        if (id == null) {
            g.writeNull();
        } else if (id.isTextual()) {
            g.writeString(id.asText());
        } else if (id.canConvertToLong()) {
            g.writeNumber(id.asLong());
        } else {
            g.writeTree(id);
        }
    }

    static byte[] result(JsonNode id, Json.Writer result) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            id(g, id);
            g.writeFieldName("result");
            result.write(g);
            g.writeEndObject();
        });
    }

    static final Json.Writer EMPTY = g -> {
        g.writeStartObject();
        g.writeEndObject();
    };

    static byte[] error(JsonNode id, int code, String message, Object data) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            id(g, id);
            g.writeObjectFieldStart("error");
            g.writeNumberField("code", code);
            g.writeStringField("message", message == null ? "" : message);
            Json.anyField(g, "data", data);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    static byte[] notification(String method, Json.Writer params) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            g.writeStringField("method", method);
            if (params != null) {
                g.writeFieldName("params");
                params.write(g);
            }
            g.writeEndObject();
        });
    }

    static byte[] request(String id, String method, Json.Writer params) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            g.writeStringField("id", id);
            g.writeStringField("method", method);
            if (params != null) {
                g.writeFieldName("params");
                params.write(g);
            }
            g.writeEndObject();
        });
    }
}
