// SPDX-License-Identifier: Apache-2.0
/**
 * The server-author API of erlmcp: tools, resources, resource templates, prompts and completers are OSGi
 * services that the MCP engine picks up (whiteboard) and offers to every session.
 *
 * <p>A tool, in full:
 * <pre>{@code
 * @Component(service = Tool.class)
 * public class EchoTool implements Tool {
 *     private static final ToolDefinition DEF = ToolDefinition.of("echo", "Echoes a message",
 *         "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},\"required\":[\"message\"]}");
 *     public ToolDefinition definition() { return DEF; }
 *     public CompletionStage<CallToolResult> call(ToolCall call, McpContext ctx) {
 *         return CompletableFuture.completedFuture(CallToolResult.text(call.string("message")));
 *     }
 * }
 * }</pre>
 * All types are plain records; the engine maps them to JSON, so a server bundle needs no JSON library. Raw
 * JSON (schemas, {@code _meta}, structured content) is carried as text in {@link io.erlmcp.mcp.JsonText} or
 * {@code String} fields and re-emitted verbatim.
 */
@Export
@Version("1.0.0")
package io.erlmcp.mcp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
