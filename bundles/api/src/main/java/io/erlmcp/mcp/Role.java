// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/** The sender or recipient of a message. */
public enum Role {
    USER, ASSISTANT;

    /** @return the wire name: {@code user} or {@code assistant} */
    public String wireName() {
        return this == USER ? "user" : "assistant";
    }

    /** @return the role with this wire name */
    public static Role fromWire(String s) {
        return "assistant".equals(s) ? ASSISTANT : USER;
    }
}
