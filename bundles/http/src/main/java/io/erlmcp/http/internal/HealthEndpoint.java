// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.health.HealthReport;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthService;
import io.erlmcp.health.HealthStatus;

/** Renders {@code GET /health} and {@code GET /health/<name>} as the runbook shows them. */
final class HealthEndpoint {

    /** A rendered answer. */
    record Answer(int status, byte[] body) {
    }

    private final ObjectMapper json;

    HealthEndpoint(ObjectMapper json) {
        this.json = json;
    }

    Answer all(HealthService health) throws Exception {
        if (health == null) {
            return unavailable();
        }
        HealthReport report = health.report();
        ObjectNode body = json.createObjectNode();
        body.put("status", report.status().wireName());
        body.put("version", report.version());
        body.put("uptime_seconds", report.uptimeSeconds());
        ObjectNode checks = body.putObject("checks");
        for (Map.Entry<String, HealthResult> check : report.checks().entrySet()) {
            checks.set(check.getKey(), render(check.getValue()));
        }
        return new Answer(statusCode(report.status()), json.writeValueAsBytes(body));
    }

    Answer one(HealthService health, String name) throws Exception {
        if (health == null) {
            return unavailable();
        }
        Optional<HealthResult> result = health.check(name);
        if (result.isEmpty()) {
            ObjectNode body = json.createObjectNode();
            body.put("error", "no health check named '" + name + "'");
            return new Answer(404, json.writeValueAsBytes(body));
        }
        ObjectNode body = render(result.get());
        body.put("name", name);
        return new Answer(statusCode(result.get().status()), json.writeValueAsBytes(body));
    }

    private Answer unavailable() throws Exception {
        ObjectNode body = json.createObjectNode();
        body.put("status", HealthStatus.UNHEALTHY.wireName());
        body.put("error", "the health service is not available");
        return new Answer(503, json.writeValueAsBytes(body));
    }

    private ObjectNode render(HealthResult result) {
        ObjectNode node = json.createObjectNode();
        node.put("status", result.status().wireName());
        if (result.message() != null) {
            node.put("message", result.message());
        }
        for (Map.Entry<String, Object> detail : result.details().entrySet()) {
            if (!node.has(detail.getKey())) {
                node.set(detail.getKey(), json.valueToTree(detail.getValue()));
            }
        }
        return node;
    }

    static int statusCode(HealthStatus status) {
        return status == HealthStatus.UNHEALTHY ? 503 : 200;
    }
}
