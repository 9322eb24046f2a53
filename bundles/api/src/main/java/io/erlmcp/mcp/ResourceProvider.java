// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A set of concrete resources, registered as an OSGi service. The engine reads {@link #resources()} when the
 * service arrives and again after {@link ResourceUpdates#resourcesListChanged()}; it routes
 * {@code resources/read} of a listed URI to {@link #read}. To tell subscribers that a resource changed, call
 * {@link ResourceUpdates#resourceUpdated(String)} (an engine service).
 */
@ConsumerType
public interface ResourceProvider {

    /** @return the resources this provider serves */
    List<Resource> resources();

    /**
     * Reads one of the listed resources; runs on the engine's handler pool.
     *
     * @return the contents; an empty list or {@link McpException#resourceNotFound} answers -32002
     */
    CompletionStage<List<ResourceContents>> read(String uri, McpContext ctx);
}
