// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** One {@code tools/call} as a tool sees it. Arguments were validated against the tool's input schema. */
@ProviderType
public interface ToolCall {

    /** @return the tool name */
    String name();

    /** @return the arguments as JSON text ({@code {}} when the client sent none) */
    String argumentsJson();

    /**
     * @return the arguments as an unmodifiable map of JSON values ({@code String}, {@code Number},
     *         {@code Boolean}, {@code List}, {@code Map}, {@code null}); converted on first use
     */
    Map<String, Object> arguments();

    /** @return the argument {@code key} as text (a string argument, or another scalar's text), or {@code null} */
    String string(String key);

    /** @return the request's {@code _meta} as JSON text, or {@code null} */
    String metaJson();
}
