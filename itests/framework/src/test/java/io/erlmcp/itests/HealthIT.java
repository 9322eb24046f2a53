// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Hashtable;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthResult;

/** {@code GET /health} served by the real Jetty server of the http bundle, configured through ConfigAdmin. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class HealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static int port;

    @InjectBundleContext
    BundleContext context;

    @BeforeAll
    static void configurePort(@InjectService(timeout = 5000) ConfigurationAdmin configAdmin) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Configuration configuration = configAdmin.getConfiguration("io.erlmcp.http", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("host", "127.0.0.1");
        properties.put("port", port);
        configuration.update(properties);
        awaitHealthEndpoint();
    }

    @Test
    void healthAnswersWithEveryCheck() throws Exception {
        HttpResponse<String> response = get("/health");
        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(body.path("status").asText()).isEqualTo("healthy");
        assertThat(body.path("version").asText()).isNotEmpty();
        assertThat(body.path("uptime_seconds").isIntegralNumber()).isTrue();
        assertThat(body.path("checks").path("framework").path("status").asText()).isEqualTo("healthy");
        assertThat(body.path("checks").path("components").path("status").asText()).isEqualTo("healthy");
    }

    @Test
    void aRegisteredCheckAppearsAndAnUnhealthyOneTurnsTheNode503() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(HealthCheck.NAME, "itest");
        ServiceRegistration<HealthCheck> registration = context.registerService(HealthCheck.class,
                () -> HealthResult.unhealthy("itest says no"), props);
        try {
            HttpResponse<String> all = get("/health");
            assertThat(all.statusCode()).as(all.body()).isEqualTo(503);
            JsonNode body = JSON.readTree(all.body());
            assertThat(body.path("status").asText()).isEqualTo("unhealthy");
            assertThat(body.path("checks").path("itest").path("message").asText()).isEqualTo("itest says no");

            HttpResponse<String> one = get("/health/itest");
            assertThat(one.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(one.body()).path("status").asText()).isEqualTo("unhealthy");
        } finally {
            registration.unregister();
        }
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/health/itest").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitHealthEndpoint() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                get("/health");
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("/health did not come up on port " + port);
    }
}
