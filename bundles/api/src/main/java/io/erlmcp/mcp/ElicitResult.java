// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Map;

/**
 * The client's answer to {@code elicitation/create}.
 *
 * @param action      {@code accept}, {@code decline} or {@code cancel}
 * @param content     the submitted values (accept in form mode), or {@code null}
 * @param contentJson the same as JSON text, or {@code null}
 */
public record ElicitResult(String action, Map<String, Object> content, String contentJson) {
}
