// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;

import io.erlmcp.mcp.Completer;
import io.erlmcp.mcp.Prompt;
import io.erlmcp.mcp.PromptArgument;
import io.erlmcp.mcp.PromptDefinition;
import io.erlmcp.mcp.Resource;
import io.erlmcp.mcp.ResourceProvider;
import io.erlmcp.mcp.ResourceTemplate;
import io.erlmcp.mcp.ResourceTemplateDefinition;
import io.erlmcp.mcp.Tool;
import io.erlmcp.mcp.ToolAnnotations;
import io.erlmcp.mcp.ToolDefinition;

/**
 * The registered tools, resources, templates, prompts and completers. Each change builds a new immutable
 * {@link Snapshot} with every list entry pre-serialized, so list requests only concatenate bytes. The last
 * registration of a name wins; when it goes away, an earlier one with the same name shows again.
 */
final class Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    record ToolEntry(Tool tool, String key, ToolDefinition def, String json, JsonSchema input, JsonSchema output) {
    }

    record ProviderEntry(ResourceProvider provider, String key, List<Resource> resources, List<String> json) {
    }

    record TemplateEntry(ResourceTemplate template, String key, ResourceTemplateDefinition def, UriTemplate matcher,
            String json) {
    }

    record PromptEntry(Prompt prompt, String key, PromptDefinition def, String json) {
    }

    record CompleterEntry(Completer completer, String key, String refType, String refName) {
    }

    record Snapshot(Map<String, ToolEntry> tools, List<String> toolJson, Map<String, ProviderEntry> resources,
            List<String> resourceJson, List<TemplateEntry> templates, List<String> templateJson,
            Map<String, PromptEntry> prompts, List<String> promptJson, List<CompleterEntry> completers) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), List.of(), Map.of(), List.of(), List.of(), List.of(),
                Map.of(), List.of(), List.of());
    }

    private final Schemas schemas = new Schemas();
    // Insertion-ordered registrations; guarded by this.
    private final Map<Tool, ToolEntry> tools = new IdentityHashMap<>();
    private final List<ToolEntry> toolOrder = new ArrayList<>();
    private final List<ProviderEntry> providers = new ArrayList<>();
    private final List<TemplateEntry> templates = new ArrayList<>();
    private final List<PromptEntry> prompts = new ArrayList<>();
    private final List<CompleterEntry> completers = new ArrayList<>();
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    Snapshot snapshot() {
        return snapshot;
    }

    // ---- tools

    /** @return whether the tool was added (false: its definition was unusable) */
    boolean addTool(Tool tool, String key) {
        ToolEntry e;
        try {
            e = toolEntry(tool, key);
        } catch (RuntimeException ex) {
            LOG.warn("Ignoring tool service from {}: {}", key, ex.getMessage());
            return false;
        }
        synchronized (this) {
            tools.put(tool, e);
            toolOrder.add(e);
            rebuild();
        }
        return true;
    }

    boolean removeTool(Tool tool) {
        synchronized (this) {
            ToolEntry e = tools.remove(tool);
            if (e == null) {
                return false;
            }
            toolOrder.remove(e);
            rebuild();
            return true;
        }
    }

    private ToolEntry toolEntry(Tool tool, String key) {
        ToolDefinition d = tool.definition();
        JsonNode in = Json.tree(d.inputSchema());
        if (!in.isObject()) {
            throw new IllegalArgumentException("tool " + d.name() + ": inputSchema is not a JSON object");
        }
        JsonSchema input = compileOrNull(d.name(), in);
        JsonSchema output = null;
        if (d.outputSchema() != null) {
            JsonNode out = Json.tree(d.outputSchema());
            output = compileOrNull(d.name(), out);
        }
        String json = Json.string(g -> {
            g.writeStartObject();
            g.writeStringField("name", d.name());
            Json.field(g, "title", d.title());
            Json.field(g, "description", d.description());
            Json.icons(g, d.icons());
            Json.rawField(g, "inputSchema", d.inputSchema());
            Json.rawField(g, "outputSchema", d.outputSchema());
            ToolAnnotations a = d.annotations();
            if (a != null) {
                g.writeObjectFieldStart("annotations");
                Json.field(g, "title", a.title());
                bool(g, "readOnlyHint", a.readOnlyHint());
                bool(g, "destructiveHint", a.destructiveHint());
                bool(g, "idempotentHint", a.idempotentHint());
                bool(g, "openWorldHint", a.openWorldHint());
                g.writeEndObject();
            }
            if (d.taskSupport() != null) {
                g.writeObjectFieldStart("execution");
                g.writeStringField("taskSupport", d.taskSupport());
                g.writeEndObject();
            }
            Json.anyField(g, "_meta", d.meta());
            g.writeEndObject();
        });
        return new ToolEntry(tool, key, d, json, input, output);
    }

    private JsonSchema compileOrNull(String tool, JsonNode schema) {
        try {
            return schemas.compile(schema);
        } catch (IllegalArgumentException e) {
            LOG.warn("Tool {}: schema not validated: {}", tool, e.getMessage());
            return null;
        }
    }

    private static void bool(com.fasterxml.jackson.core.JsonGenerator g, String name, Boolean v)
            throws java.io.IOException {
        if (v != null) {
            g.writeBooleanField(name, v);
        }
    }

    // ---- resources

    synchronized void addProvider(ResourceProvider p, String key) {
        providers.add(providerEntry(p, key));
        rebuild();
    }

    synchronized boolean removeProvider(ResourceProvider p) {
        boolean removed = providers.removeIf(e -> e.provider() == p);
        if (removed) {
            rebuild();
        }
        return removed;
    }

    /** Re-reads every provider's list. */
    synchronized void refreshProviders() {
        providers.replaceAll(e -> providerEntry(e.provider(), e.key()));
        rebuild();
    }

    private static ProviderEntry providerEntry(ResourceProvider p, String key) {
        List<Resource> list;
        try {
            list = List.copyOf(p.resources());
        } catch (RuntimeException e) {
            LOG.warn("Resource provider from {} failed to list its resources", key, e);
            list = List.of();
        }
        List<String> json = new ArrayList<>(list.size());
        for (Resource r : list) {
            json.add(Json.string(g -> {
                g.writeStartObject();
                g.writeStringField("uri", r.uri());
                g.writeStringField("name", r.name());
                Json.field(g, "title", r.title());
                Json.field(g, "description", r.description());
                Json.field(g, "mimeType", r.mimeType());
                if (r.size() != null) {
                    g.writeNumberField("size", r.size());
                }
                Json.annotations(g, r.annotations());
                Json.icons(g, r.icons());
                Json.anyField(g, "_meta", r.meta());
                g.writeEndObject();
            }));
        }
        return new ProviderEntry(p, key, list, json);
    }

    synchronized boolean addTemplate(ResourceTemplate t, String key) {
        ResourceTemplateDefinition d;
        UriTemplate m;
        try {
            d = t.definition();
            m = new UriTemplate(d.uriTemplate());
        } catch (RuntimeException e) {
            LOG.warn("Ignoring resource template from {}: {}", key, e.getMessage());
            return false;
        }
        String json = Json.string(g -> {
            g.writeStartObject();
            g.writeStringField("uriTemplate", d.uriTemplate());
            g.writeStringField("name", d.name());
            Json.field(g, "title", d.title());
            Json.field(g, "description", d.description());
            Json.field(g, "mimeType", d.mimeType());
            Json.annotations(g, d.annotations());
            Json.icons(g, d.icons());
            Json.anyField(g, "_meta", d.meta());
            g.writeEndObject();
        });
        templates.add(new TemplateEntry(t, key, d, m, json));
        rebuild();
        return true;
    }

    synchronized boolean removeTemplate(ResourceTemplate t) {
        boolean removed = templates.removeIf(e -> e.template() == t);
        if (removed) {
            rebuild();
        }
        return removed;
    }

    // ---- prompts

    synchronized boolean addPrompt(Prompt p, String key) {
        PromptDefinition d;
        try {
            d = p.definition();
        } catch (RuntimeException e) {
            LOG.warn("Ignoring prompt from {}: {}", key, e.getMessage());
            return false;
        }
        String json = Json.string(g -> {
            g.writeStartObject();
            g.writeStringField("name", d.name());
            Json.field(g, "title", d.title());
            Json.field(g, "description", d.description());
            Json.icons(g, d.icons());
            if (!d.arguments().isEmpty()) {
                g.writeArrayFieldStart("arguments");
                for (PromptArgument a : d.arguments()) {
                    g.writeStartObject();
                    g.writeStringField("name", a.name());
                    Json.field(g, "title", a.title());
                    Json.field(g, "description", a.description());
                    g.writeBooleanField("required", a.required());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            Json.anyField(g, "_meta", d.meta());
            g.writeEndObject();
        });
        prompts.add(new PromptEntry(p, key, d, json));
        rebuild();
        return true;
    }

    synchronized boolean removePrompt(Prompt p) {
        boolean removed = prompts.removeIf(e -> e.prompt() == p);
        if (removed) {
            rebuild();
        }
        return removed;
    }

    synchronized void addCompleter(Completer c, String key) {
        completers.add(new CompleterEntry(c, key, c.refType(), c.refName()));
        rebuild();
    }

    synchronized void removeCompleter(Completer c) {
        if (completers.removeIf(e -> e.completer() == c)) {
            rebuild();
        }
    }

    private void rebuild() {
        Map<String, ToolEntry> t = new TreeMap<>();
        for (ToolEntry e : toolOrder) {
            t.put(e.def().name(), e);
        }
        List<String> tj = t.values().stream().map(ToolEntry::json).toList();

        Map<String, ProviderEntry> byUri = new LinkedHashMap<>();
        Map<String, String> resJson = new TreeMap<>();
        for (ProviderEntry p : providers) {
            for (int i = 0; i < p.resources().size(); i++) {
                String uri = p.resources().get(i).uri();
                byUri.put(uri, p);
                resJson.put(uri, p.json().get(i));
            }
        }
        Map<String, TemplateEntry> tmpl = new TreeMap<>();
        for (TemplateEntry e : templates) {
            tmpl.put(e.def().uriTemplate(), e);
        }
        Map<String, PromptEntry> pr = new TreeMap<>();
        for (PromptEntry e : prompts) {
            pr.put(e.def().name(), e);
        }
        List<TemplateEntry> tl = new ArrayList<>(tmpl.values());
        snapshot = new Snapshot(Map.copyOf(t), tj, Map.copyOf(byUri), List.copyOf(resJson.values()), List.copyOf(tl),
                tl.stream().map(TemplateEntry::json).toList(), Map.copyOf(pr),
                pr.values().stream().map(PromptEntry::json).toList(), List.copyOf(completers));
    }
}
