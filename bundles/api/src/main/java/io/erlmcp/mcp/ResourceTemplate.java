// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A resource template, registered as an OSGi service. A {@code resources/read} whose URI is not a listed
 * resource is matched against every template; the first match is read with the extracted variables.
 */
@ConsumerType
public interface ResourceTemplate {

    /** @return the definition; read once per registration */
    ResourceTemplateDefinition definition();

    /**
     * Reads a resource matched by the template; runs on the engine's handler pool.
     *
     * @param variables the template variables extracted from {@code uri} (percent-decoded)
     * @return the contents; an empty list or {@link McpException#resourceNotFound} answers -32002
     */
    CompletionStage<List<ResourceContents>> read(String uri, Map<String, String> variables, McpContext ctx);
}
