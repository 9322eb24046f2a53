// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered by the engine: resource providers and tools call it to tell clients about changes. Each call is
 * cheap and asynchronous; bursts of list changes are coalesced.
 */
@ProviderType
public interface ResourceUpdates {

    /** Sends {@code notifications/resources/updated} to every session subscribed to {@code uri}. */
    void resourceUpdated(String uri);

    /** Re-reads every {@link ResourceProvider#resources()} and sends {@code notifications/resources/list_changed}. */
    void resourcesListChanged();
}
