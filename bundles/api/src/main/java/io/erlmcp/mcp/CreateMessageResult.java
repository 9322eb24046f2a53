// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/** The client's answer to {@code sampling/createMessage}. */
public record CreateMessageResult(Role role, Content content, String model, String stopReason) {
}
