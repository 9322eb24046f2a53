// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/** One message of a sampling request (text, image or audio content). */
public record SamplingMessage(Role role, Content content) {

    public SamplingMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static SamplingMessage user(String text) {
        return new SamplingMessage(Role.USER, Content.text(text));
    }
}
