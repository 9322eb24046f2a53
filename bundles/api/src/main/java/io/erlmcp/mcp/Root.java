// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/** A root the client exposes ({@code roots/list}). */
public record Root(String uri, String name) {
}
