// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives the server's notifications (progress, logging messages, list changes, resource updates...). It is called
 * on the transport's reading thread, in the order the server sent them: it should return quickly and must not wait
 * for a request of the same client (hand such work to another thread).
 */
@FunctionalInterface
public interface NotificationListener {

    void onNotification(String method, JsonNode params);
}
