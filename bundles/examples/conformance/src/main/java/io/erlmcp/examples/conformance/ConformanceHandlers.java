// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.examples.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.Completer;
import io.erlmcp.mcp.Completion;
import io.erlmcp.mcp.CompletionRequest;
import io.erlmcp.mcp.Content;
import io.erlmcp.mcp.CreateMessageRequest;
import io.erlmcp.mcp.ElicitRequest;
import io.erlmcp.mcp.ElicitResult;
import io.erlmcp.mcp.GetPromptResult;
import io.erlmcp.mcp.LoggingLevel;
import io.erlmcp.mcp.McpContext;
import io.erlmcp.mcp.Prompt;
import io.erlmcp.mcp.PromptArgument;
import io.erlmcp.mcp.PromptDefinition;
import io.erlmcp.mcp.PromptMessage;
import io.erlmcp.mcp.Resource;
import io.erlmcp.mcp.ResourceContents;
import io.erlmcp.mcp.ResourceProvider;
import io.erlmcp.mcp.ResourceTemplate;
import io.erlmcp.mcp.ResourceTemplateDefinition;
import io.erlmcp.mcp.Tool;
import io.erlmcp.mcp.ToolCall;
import io.erlmcp.mcp.ToolDefinition;

/**
 * Everything the MCP conformance suite ({@code @modelcontextprotocol/conformance}, server scenarios) calls, as
 * plain handler objects. {@link ConformanceServer} registers them as services; tests hand them to an engine.
 */
public final class ConformanceHandlers {

    /** A 1x1 red PNG. */
    public static final String PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    /** A WAV file with a few samples of silence (8 kHz, 8 bit, mono). */
    public static final String WAV = wav();

    static final String NO_ARGS = "{\"type\":\"object\",\"properties\":{},\"required\":[]}";
    static final String WATCHED = "test://watched-resource";

    private ConformanceHandlers() {
    }

    /** @return every tool, resource provider, template, prompt and completer */
    public static List<Object> all() {
        List<Object> all = new ArrayList<>(tools());
        all.add(resources());
        all.add(template());
        all.addAll(prompts());
        all.add(completer());
        return all;
    }

    // ---------------------------------------------------------------- tools

    static List<Tool> tools() {
        List<Tool> t = new ArrayList<>();
        t.add(tool("test_simple_text", "Returns simple text content", NO_ARGS,
                (c, ctx) -> done(CallToolResult.text("This is a simple text response for testing."))));
        t.add(tool("test_image_content", "Returns image content", NO_ARGS,
                (c, ctx) -> done(CallToolResult.of(Content.image(PNG, "image/png")))));
        t.add(tool("test_audio_content", "Returns audio content", NO_ARGS,
                (c, ctx) -> done(CallToolResult.of(Content.audio(WAV, "audio/wav")))));
        t.add(tool("test_embedded_resource", "Returns embedded resource content", NO_ARGS,
                (c, ctx) -> done(CallToolResult.of(Content.embedded(ResourceContents.text("test://embedded-resource",
                        "text/plain", "This is an embedded resource content."))))));
        t.add(tool("test_multiple_content_types", "Returns text, image and resource content", NO_ARGS,
                (c, ctx) -> done(CallToolResult.of(Content.text("Multiple content types test:"),
                        Content.image(PNG, "image/png"),
                        Content.embedded(ResourceContents.text("test://mixed-content-resource", "application/json",
                                "{\"test\":\"data\",\"value\":123}"))))));
        t.add(tool("test_tool_with_logging", "Sends log messages while it runs", NO_ARGS, (c, ctx) -> {
            ctx.log(LoggingLevel.INFO, "conformance", "Tool execution started");
            sleep(50);
            ctx.log(LoggingLevel.INFO, "conformance", "Tool processing data");
            sleep(50);
            ctx.log(LoggingLevel.INFO, "conformance", "Tool execution completed");
            return done(CallToolResult.text("Tool with logging executed successfully"));
        }));
        t.add(tool("test_error_handling", "Always fails", NO_ARGS, (c, ctx) -> {
            throw new IllegalStateException("This tool intentionally returns an error for testing");
        }));
        t.add(tool("test_tool_with_progress", "Reports progress while it runs", NO_ARGS, (c, ctx) -> {
            ctx.progress(0, 100.0, null);
            sleep(50);
            ctx.progress(50, 100.0, null);
            sleep(50);
            ctx.progress(100, 100.0, null);
            return done(CallToolResult.text("Tool with progress executed successfully"));
        }));
        t.add(tool("test_sampling", "Asks the client's LLM",
                "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\","
                        + "\"description\":\"The prompt to send to the LLM\"}},\"required\":[\"prompt\"]}",
                (c, ctx) -> ctx.sample(CreateMessageRequest.of(c.string("prompt"), 100)).thenApply(r -> {
                    String text = r.content() instanceof Content.Text tx ? tx.text() : String.valueOf(r.content());
                    return CallToolResult.text("LLM response: " + text);
                })));
        t.add(tool("test_elicitation", "Asks the user for input",
                "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\","
                        + "\"description\":\"The message to show the user\"}},\"required\":[\"message\"]}",
                (c, ctx) -> ctx.elicit(ElicitRequest.form(c.string("message"), "{\"type\":\"object\",\"properties\":{"
                        + "\"username\":{\"type\":\"string\",\"description\":\"User's response\"},"
                        + "\"email\":{\"type\":\"string\",\"description\":\"User's email address\"}},"
                        + "\"required\":[\"username\",\"email\"]}"))
                        .thenApply(r -> CallToolResult.text("User response: " + describe(r)))));
        t.add(tool("test_elicitation_sep1034_defaults", "Elicitation with defaults for every primitive type", NO_ARGS,
                (c, ctx) -> ctx.elicit(ElicitRequest.form("Please review and update the form fields with defaults",
                        "{\"type\":\"object\",\"properties\":{"
                                + "\"name\":{\"type\":\"string\",\"description\":\"User name\",\"default\":\"John Doe\"},"
                                + "\"age\":{\"type\":\"integer\",\"description\":\"User age\",\"default\":30},"
                                + "\"score\":{\"type\":\"number\",\"description\":\"User score\",\"default\":95.5},"
                                + "\"status\":{\"type\":\"string\",\"description\":\"User status\","
                                + "\"enum\":[\"active\",\"inactive\",\"pending\"],\"default\":\"active\"},"
                                + "\"verified\":{\"type\":\"boolean\",\"description\":\"Verification status\","
                                + "\"default\":true}},\"required\":[]}"))
                        .thenApply(r -> CallToolResult.text("Elicitation completed: " + describe(r)))));
        t.add(tool("test_elicitation_sep1330_enums", "Elicitation with every enum variant", NO_ARGS,
                (c, ctx) -> ctx.elicit(ElicitRequest.form("Please select options from the enum fields",
                        "{\"type\":\"object\",\"properties\":{"
                                + "\"untitledSingle\":{\"type\":\"string\",\"description\":\"Untitled single-select\","
                                + "\"enum\":[\"option1\",\"option2\",\"option3\"]},"
                                + "\"titledSingle\":{\"type\":\"string\",\"description\":\"Titled single-select\","
                                + "\"oneOf\":[{\"const\":\"value1\",\"title\":\"First Option\"},"
                                + "{\"const\":\"value2\",\"title\":\"Second Option\"},"
                                + "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"
                                + "\"legacyEnum\":{\"type\":\"string\",\"description\":\"Legacy titled enum\","
                                + "\"enum\":[\"opt1\",\"opt2\",\"opt3\"],"
                                + "\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"
                                + "\"untitledMulti\":{\"type\":\"array\",\"description\":\"Untitled multi-select\","
                                + "\"items\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\",\"option3\"]}},"
                                + "\"titledMulti\":{\"type\":\"array\",\"description\":\"Titled multi-select\","
                                + "\"items\":{\"anyOf\":[{\"const\":\"value1\",\"title\":\"First Choice\"},"
                                + "{\"const\":\"value2\",\"title\":\"Second Choice\"},"
                                + "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}},\"required\":[]}"))
                        .thenApply(r -> CallToolResult.text("Elicitation completed: " + describe(r)))));
        t.add(tool("test_reconnection", "Closes the SSE stream mid-call so the client reconnects", NO_ARGS,
                (c, ctx) -> {
                    sleep(100);
                    ctx.closeStream();
                    sleep(200);
                    return done(CallToolResult.text("Reconnection test completed successfully"));
                }));
        t.add(slowProgress());
        t.add(tool("json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features",
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                        + "\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"},"
                        + "\"city\":{\"type\":\"string\"}}}},\"properties\":{\"name\":{\"type\":\"string\"},"
                        + "\"address\":{\"$ref\":\"#/$defs/address\"}},\"additionalProperties\":false}",
                (c, ctx) -> done(CallToolResult.text("JSON Schema 2020-12 tool called with " + c.argumentsJson()))));
        return t;
    }

    /**
     * {@code test_slow_progress} (not part of the conformance suite; erlmcp's client tests use it to cut and resume
     * a stream, and to cancel a call): sends {@code steps} progress notifications (1..100, default 10), one every
     * {@code intervalMs} (10..5000, default 100), then answers "Completed N steps". Stops at once when cancelled.
     */
    static Tool slowProgress() {
        return tool("test_slow_progress", "Reports progress in steps over time; stops when cancelled",
                "{\"type\":\"object\",\"properties\":{"
                        + "\"steps\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":10},"
                        + "\"intervalMs\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":5000,\"default\":100}},"
                        + "\"required\":[]}",
                (c, ctx) -> {
                    int steps = c.string("steps") == null ? 10 : Integer.parseInt(c.string("steps"));
                    long interval = c.string("intervalMs") == null ? 100 : Long.parseLong(c.string("intervalMs"));
                    for (int i = 1; i <= steps; i++) {
                        sleep(interval);
                        if (ctx.isCancelled() || Thread.currentThread().isInterrupted()) {
                            return done(CallToolResult.text("Cancelled after " + (i - 1) + " steps"));
                        }
                        ctx.progress(i, (double) steps, "step " + i + " of " + steps);
                    }
                    return done(CallToolResult.text("Completed " + steps + " steps"));
                });
    }

    private static String describe(ElicitResult r) {
        return "action=" + r.action() + ", content=" + (r.contentJson() == null ? "{}" : r.contentJson());
    }

    // ---------------------------------------------------------------- resources

    static ResourceProvider resources() {
        return new ResourceProvider() {
            @Override
            public List<Resource> resources() {
                return List.of(
                        Resource.of("test://static-text", "static-text", "A static text resource", "text/plain"),
                        Resource.of("test://static-binary", "static-binary", "A static binary resource (PNG)",
                                "image/png"),
                        Resource.of(WATCHED, "watched-resource", "A resource that changes; subscribe to it",
                                "text/plain"));
            }

            @Override
            public CompletionStage<List<ResourceContents>> read(String uri, McpContext ctx) {
                switch (uri) {
                    case "test://static-text":
                        return done(List.of(ResourceContents.text(uri, "text/plain",
                                "This is the content of the static text resource.")));
                    case "test://static-binary":
                        return done(List.of(ResourceContents.blob(uri, "image/png", PNG)));
                    case WATCHED:
                        return done(List.of(ResourceContents.text(uri, "text/plain",
                                "Watched resource content at " + java.time.Instant.now())));
                    default:
                        return done(List.of());
                }
            }
        };
    }

    static ResourceTemplate template() {
        return new ResourceTemplate() {
            @Override
            public ResourceTemplateDefinition definition() {
                return ResourceTemplateDefinition.of("test://template/{id}/data", "template-data",
                        "Data for any id", "application/json");
            }

            @Override
            public CompletionStage<List<ResourceContents>> read(String uri, Map<String, String> vars, McpContext ctx) {
                String id = vars.get("id");
                return done(List.of(ResourceContents.text(uri, "application/json", "{\"id\":\"" + id
                        + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}")));
            }
        };
    }

    // ---------------------------------------------------------------- prompts

    static List<Prompt> prompts() {
        return List.of(
                prompt(PromptDefinition.of("test_simple_prompt", "A simple prompt without arguments"),
                        a -> GetPromptResult.of(null,
                                PromptMessage.user(Content.text("This is a simple prompt for testing.")))),
                prompt(PromptDefinition.of("test_prompt_with_arguments", "A prompt with arguments",
                        PromptArgument.of("arg1", "First test argument", true),
                        PromptArgument.of("arg2", "Second test argument", true)),
                        a -> GetPromptResult.of(null, PromptMessage.user(Content.text("Prompt with arguments: arg1='"
                                + a.get("arg1") + "', arg2='" + a.get("arg2") + "'")))),
                prompt(PromptDefinition.of("test_prompt_with_embedded_resource", "A prompt with an embedded resource",
                        PromptArgument.of("resourceUri", "URI of the resource to embed", true)),
                        a -> GetPromptResult.of(null,
                                PromptMessage.user(Content.embedded(ResourceContents.text(a.get("resourceUri"),
                                        "text/plain", "Embedded resource content for testing."))),
                                PromptMessage.user(Content.text("Please process the embedded resource above.")))),
                prompt(PromptDefinition.of("test_prompt_with_image", "A prompt with an image"),
                        a -> GetPromptResult.of(null, PromptMessage.user(Content.image(PNG, "image/png")),
                                PromptMessage.user(Content.text("Please analyze the image above.")))));
    }

    static Completer completer() {
        List<String> words = List.of("paris", "park", "party", "pasta", "hello", "help", "world", "word");
        return new Completer() {
            @Override
            public String refType() {
                return CompletionRequest.REF_PROMPT;
            }

            @Override
            public String refName() {
                return "test_prompt_with_arguments";
            }

            @Override
            public CompletionStage<Completion> complete(CompletionRequest r, McpContext ctx) {
                return done(Completion.of(words.stream().filter(w -> w.startsWith(r.argumentValue())).toList()));
            }
        };
    }

    // ---------------------------------------------------------------- helpers

    private static Tool tool(String name, String description, String schema,
            BiFunction<ToolCall, McpContext, CompletionStage<CallToolResult>> body) {
        ToolDefinition def = ToolDefinition.of(name, description, schema);
        return new Tool() {
            @Override
            public ToolDefinition definition() {
                return def;
            }

            @Override
            public CompletionStage<CallToolResult> call(ToolCall call, McpContext ctx) {
                return body.apply(call, ctx);
            }
        };
    }

    private static Prompt prompt(PromptDefinition def,
            java.util.function.Function<Map<String, String>, GetPromptResult> body) {
        return new Prompt() {
            @Override
            public PromptDefinition definition() {
                return def;
            }

            @Override
            public CompletionStage<GetPromptResult> get(Map<String, String> arguments, McpContext ctx) {
                return done(body.apply(arguments));
            }
        };
    }

    static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the call was cancelled; return early
        }
    }

    private static String wav() {
        int samples = 8;
        ByteBuffer b = ByteBuffer.allocate(44 + samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(8000)
                .putShort((short) 1).putShort((short) 8);
        b.put("data".getBytes()).putInt(samples);
        for (int i = 0; i < samples; i++) {
            b.put((byte) 128);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.array(), 0, b.capacity());
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
