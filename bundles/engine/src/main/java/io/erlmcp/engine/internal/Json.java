// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.mcp.Annotations;
import io.erlmcp.mcp.Content;
import io.erlmcp.mcp.Icon;
import io.erlmcp.mcp.JsonText;
import io.erlmcp.mcp.ResourceContents;
import io.erlmcp.mcp.Role;

/**
 * The engine's one ObjectMapper and the writers that map API records to JSON without reflection. Every message
 * is written straight into a byte array.
 */
final class Json {

    /**
     * Buffers are recycled through one shared pool, not one per thread (Jackson's default): a per-thread pool keeps
     * about 16 KB of buffers alive for every thread that ever parsed or wrote, which was one per idle connection
     * while the TCP transport read on a thread per connection (stdio still has its own reading thread).
     */
    static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    static byte[] bytes(Writer w) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String string(Writer w) {
        return new String(bytes(w), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * @return {@code node} as compact JSON text, like {@link JsonNode#toString()}, but with this mapper's buffers
     *         ({@code toString()} keeps per-thread buffers alive)
     */
    static String text(JsonNode node) {
        return string(g -> g.writeTree(node));
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** @return the value as a tree: {@link JsonText} is parsed, anything else converted */
    static JsonNode toTree(Object value) {
        if (value instanceof JsonText t) {
            return tree(t.json());
        }
        if (value instanceof JsonNode n) {
            return n;
        }
        return MAPPER.valueToTree(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return Collections.unmodifiableMap(MAPPER.convertValue(node, LinkedHashMap.class));
    }

    /** Writes any JSON value given through the API: {@link JsonText} verbatim, other objects converted. */
    static void any(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof JsonText t) {
            g.writeRawValue(t.json());
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof JsonNode n) {
            g.writeTree(n);
        } else {
            g.writeObject(value);
        }
    }

    static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    static void anyField(JsonGenerator g, String name, Object value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            any(g, value);
        }
    }

    static void rawField(JsonGenerator g, String name, String json) throws IOException {
        if (json != null) {
            g.writeFieldName(name);
            g.writeRawValue(json);
        }
    }

    static void icons(JsonGenerator g, List<Icon> icons) throws IOException {
        if (icons == null) {
            return;
        }
        g.writeArrayFieldStart("icons");
        for (Icon i : icons) {
            g.writeStartObject();
            g.writeStringField("src", i.src());
            field(g, "mimeType", i.mimeType());
            if (i.sizes() != null) {
                g.writeArrayFieldStart("sizes");
                for (String s : i.sizes()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            field(g, "theme", i.theme());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static void annotations(JsonGenerator g, Annotations a) throws IOException {
        if (a == null) {
            return;
        }
        g.writeObjectFieldStart("annotations");
        if (a.audience() != null) {
            g.writeArrayFieldStart("audience");
            for (Role r : a.audience()) {
                g.writeString(r.wireName());
            }
            g.writeEndArray();
        }
        if (a.priority() != null) {
            g.writeNumberField("priority", a.priority());
        }
        field(g, "lastModified", a.lastModified());
        g.writeEndObject();
    }

    static void resourceContents(JsonGenerator g, ResourceContents rc) throws IOException {
        g.writeStartObject();
        g.writeStringField("uri", rc.uri());
        field(g, "mimeType", rc.mimeType());
        if (rc instanceof ResourceContents.Text t) {
            g.writeStringField("text", t.text());
            anyField(g, "_meta", t.meta());
        } else if (rc instanceof ResourceContents.Blob b) {
            g.writeStringField("blob", b.blob());
            anyField(g, "_meta", b.meta());
        }
        g.writeEndObject();
    }

    static void content(JsonGenerator g, Content c) throws IOException {
        g.writeStartObject();
        if (c instanceof Content.Text t) {
            g.writeStringField("type", "text");
            g.writeStringField("text", t.text());
            annotations(g, t.annotations());
            anyField(g, "_meta", t.meta());
        } else if (c instanceof Content.Image i) {
            g.writeStringField("type", "image");
            g.writeStringField("data", i.data());
            g.writeStringField("mimeType", i.mimeType());
            annotations(g, i.annotations());
            anyField(g, "_meta", i.meta());
        } else if (c instanceof Content.Audio a) {
            g.writeStringField("type", "audio");
            g.writeStringField("data", a.data());
            g.writeStringField("mimeType", a.mimeType());
            annotations(g, a.annotations());
            anyField(g, "_meta", a.meta());
        } else if (c instanceof Content.ResourceLink l) {
            g.writeStringField("type", "resource_link");
            g.writeStringField("uri", l.uri());
            g.writeStringField("name", l.name());
            field(g, "title", l.title());
            field(g, "description", l.description());
            field(g, "mimeType", l.mimeType());
            if (l.size() != null) {
                g.writeNumberField("size", l.size());
            }
            annotations(g, l.annotations());
            anyField(g, "_meta", l.meta());
        } else if (c instanceof Content.Embedded e) {
            g.writeStringField("type", "resource");
            g.writeFieldName("resource");
            resourceContents(g, e.resource());
            annotations(g, e.annotations());
            anyField(g, "_meta", e.meta());
        }
        g.writeEndObject();
    }

    /** Reads a content block sent by the client (sampling results). */
    static Content readContent(JsonNode n) {
        if (n == null || !n.isObject()) {
            return Content.text("");
        }
        String type = n.path("type").asText("text");
        switch (type) {
            case "image":
                return Content.image(n.path("data").asText(""), n.path("mimeType").asText("image/png"));
            case "audio":
                return Content.audio(n.path("data").asText(""), n.path("mimeType").asText("audio/wav"));
            case "resource_link":
                return Content.resourceLink(n.path("uri").asText(""), n.path("name").asText(""),
                        n.hasNonNull("mimeType") ? n.get("mimeType").asText() : null);
            case "resource": {
                JsonNode r = n.path("resource");
                String mime = r.hasNonNull("mimeType") ? r.get("mimeType").asText() : null;
                return Content.embedded(r.has("blob")
                        ? ResourceContents.blob(r.path("uri").asText(""), mime, r.path("blob").asText(""))
                        : ResourceContents.text(r.path("uri").asText(""), mime, r.path("text").asText("")));
            }
            default:
                return Content.text(n.path("text").asText(""));
        }
    }

    static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        if (arr != null && arr.isArray()) {
            arr.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
