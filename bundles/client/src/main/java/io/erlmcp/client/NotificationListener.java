// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;

/** Receives the server's notifications (progress, logging messages, list changes, resource updates...). */
@FunctionalInterface
public interface NotificationListener {

    void onNotification(String method, JsonNode params);
}
