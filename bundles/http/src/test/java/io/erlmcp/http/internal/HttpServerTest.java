// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.health.HealthReport;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthService;
import io.erlmcp.health.HealthStatus;
import io.erlmcp.http.HttpWhiteboard;

/** A real Jetty on a free port, driven by a real HTTP client. */
class HttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer server;
    private HealthService health;
    private volatile HealthStatus dbStatus = HealthStatus.HEALTHY;

    @BeforeEach
    void start() throws Exception {
        server = new HttpServer(config(0), 0);
        health = new HealthService() {
            @Override
            public HealthReport report() {
                return new HealthReport(dbStatus, "9.9.9", 12, Map.of("db", db()));
            }

            @Override
            public Optional<HealthResult> check(String name) {
                return "db".equals(name) ? Optional.of(db()) : Optional.empty();
            }

            private HealthResult db() {
                return new HealthResult(dbStatus, dbStatus == HealthStatus.HEALTHY ? null : "db down",
                        Map.of("connections", 3));
            }
        };
        server.setHealthService(health);
    }

    @AfterEach
    void stop() throws Exception {
        server.deactivate();
    }

    @Test
    void healthIsTheRunbookShapeAnd503WhenUnhealthy() throws Exception {
        HttpResponse<String> ok = get("/health");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(ok.body());
        assertThat(body.path("status").asText()).isEqualTo("healthy");
        assertThat(body.path("version").asText()).isEqualTo("9.9.9");
        assertThat(body.path("uptime_seconds").asLong()).isEqualTo(12);
        assertThat(body.path("checks").path("db").path("status").asText()).isEqualTo("healthy");
        assertThat(body.path("checks").path("db").path("connections").asInt()).isEqualTo(3);

        dbStatus = HealthStatus.UNHEALTHY;
        HttpResponse<String> bad = get("/health");
        assertThat(bad.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(bad.body()).path("checks").path("db").path("message").asText()).isEqualTo("db down");

        dbStatus = HealthStatus.DEGRADED;
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void oneCheckByNameAnd404ForAnUnknownOne() throws Exception {
        HttpResponse<String> db = get("/health/db");
        assertThat(db.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(db.body()).path("name").asText()).isEqualTo("db");
        HttpResponse<String> missing = get("/health/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").asText()).contains("nope");
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/health"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void withoutAHealthServiceHealthIs503() throws Exception {
        server.unsetHealthService(health);
        assertThat(get("/health").statusCode()).isEqualTo(503);
    }

    @Test
    void handlersAreMountedAndUnmountedWhileTheServerRuns() throws Exception {
        assertThat(get("/mcp").statusCode()).isEqualTo(404);
        Handler hello = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(Request.getPathInContext(request).getBytes(StandardCharsets.UTF_8)),
                        callback);
                return true;
            }
        };
        server.addHandler(hello, Map.of(HttpWhiteboard.PATH, "/mcp"));
        assertThat(hello.isStarted()).isTrue();
        HttpResponse<String> mounted = get("/mcp");
        assertThat(mounted.statusCode()).isEqualTo(200);
        assertThat(mounted.body()).isEqualTo("/mcp");
        assertThat(get("/mcp/ws").body()).isEqualTo("/mcp/ws");
        assertThat(get("/mcpx").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(200);

        server.removeHandler(hello);
        assertThat(hello.isStopped()).isTrue();
        assertThat(get("/mcp").statusCode()).isEqualTo(404);
    }

    @Test
    void aHandlerForAnotherListenerOrWithoutAPathIsNotMounted() throws Exception {
        Handler other = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return false;
            }
        };
        server.addHandler(other, Map.of(HttpWhiteboard.PATH, "/x", HttpWhiteboard.LISTENER, "admin"));
        server.addHandler(other, Map.of(HttpWhiteboard.PATH, "relative"));
        assertThat(other.isStarted()).isFalse();
        assertThat(get("/x").statusCode()).isEqualTo(404);
    }

    @Test
    void headAnswersTheHeadersWithoutABody() throws Exception {
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length").orElse(0)).isPositive();
    }

    @Test
    void unknownPathsAre404WithAJsonBody() throws Exception {
        HttpResponse<String> missing = get("/nothing/here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(missing.body()).path("error").asText()).isEqualTo("not found");
    }

    @Test
    void aHandlerThatDeclinesGets404() throws Exception {
        server.addHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return false;
            }
        }, Map.of(HttpWhiteboard.PATH, "/sse"));
        assertThat(get("/sse").statusCode()).isEqualTo(404);
    }

    @Test
    void aHandlerWhosePathChangesMovesWithoutARestart() throws Exception {
        Handler hello = echo();
        server.addHandler(hello, Map.of(HttpWhiteboard.PATH, "/a"));
        assertThat(get("/a").statusCode()).isEqualTo(200);
        server.updatedHandler(hello, Map.of(HttpWhiteboard.PATH, "/b"));
        assertThat(hello.isStarted()).isTrue();
        assertThat(get("/a").statusCode()).isEqualTo(404);
        assertThat(get("/b").body()).isEqualTo("/b");
    }

    @Test
    void theLongestMountWinsAndTheOtherTakesOverWhenItGoes() throws Exception {
        Handler outer = echo("outer");
        Handler inner = echo("inner");
        server.addHandler(outer, Map.of(HttpWhiteboard.PATH, "/mcp"));
        server.addHandler(inner, Map.of(HttpWhiteboard.PATH, "/mcp/ws"));
        assertThat(get("/mcp/ws/1").body()).isEqualTo("inner");
        assertThat(get("/mcp/x").body()).isEqualTo("outer");
        server.removeHandler(inner);
        assertThat(get("/mcp/ws/1").body()).isEqualTo("outer");
    }

    @Test
    void stoppingTheServerStopsMountedHandlers() throws Exception {
        Handler hello = echo();
        server.addHandler(hello, Map.of(HttpWhiteboard.PATH, "/mcp"));
        server.deactivate();
        assertThat(hello.isStopped()).isTrue();
    }

    @Test
    void aPortInUseFailsActivationWithTheAddressAndLeavesNoThreads() throws Exception {
        int port = server.port();
        long before = httpThreads();
        assertThatThrownBy(() -> new HttpServer(config(port), port)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        Thread.sleep(100);
        assertThat(httpThreads()).isLessThanOrEqualTo(before);
    }

    @Test
    void withoutConfigurationThePortComesFromTheFrameworkProperty() {
        assertThat(HttpServer.portFrom("9191", 8080)).isEqualTo(9191);
        assertThat(HttpServer.portFrom(" ", 8080)).isEqualTo(8080);
        assertThat(HttpServer.portFrom(null, 8080)).isEqualTo(8080);
        assertThatThrownBy(() -> HttpServer.portFrom("http", 8080)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(HttpServer.PORT_PROPERTY);
    }

    private static long httpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("erlmcp-http"))
                .count();
    }

    private static Handler echo() {
        return echo(null);
    }

    /** Answers 200 with {@code text}, or with the request path when text is null. */
    private static Handler echo(String text) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = text == null ? Request.getPathInContext(request) : text;
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
    }

    @Test
    void anInvalidPortIsRefusedWithTheReason() {
        assertThatThrownBy(() -> new HttpServer(config(70000), 70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
    }

    @Test
    void mountPathsMatchWholeSegmentsLongestFirst() {
        Handler a = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return false;
            }
        };
        Handler b = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return false;
            }
        };
        Mounts mounts = Mounts.EMPTY.with("/mcp", a).with("/mcp/ws", b);
        assertThat(mounts.find("/mcp")).isSameAs(a);
        assertThat(mounts.find("/mcp/ws")).isSameAs(b);
        assertThat(mounts.find("/mcp/ws/x")).isSameAs(b);
        assertThat(mounts.find("/mcp/other")).isSameAs(a);
        assertThat(mounts.find("/mcpws")).isNull();
        assertThat(Mounts.normalize("/sse/")).isEqualTo("/sse");
        assertThat(Mounts.normalize("sse")).isNull();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpServer.Config config(int port) {
        return config(port, "", "");
    }

    static HttpServer.Config config(int port, String keystore, String password) {
        return new HttpServer.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HttpServer.Config.class;
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public long idle_timeout_millis() {
                return 30_000;
            }

            @Override
            public int max_threads() {
                return 32;
            }

            @Override
            public int min_threads() {
                return 4;
            }

            @Override
            public int request_header_size() {
                return 8192;
            }

            @Override
            public int accept_queue_size() {
                return 128;
            }

            @Override
            public long stop_timeout_millis() {
                return 0; // the client keeps connections open; a graceful stop would wait for them
            }

            @Override
            public int tls_port() {
                return 0;
            }

            @Override
            public String tls_keystore() {
                return keystore;
            }

            @Override
            public String tls_keystore_password() {
                return password;
            }

            @Override
            public String tls_keystore_type() {
                return "PKCS12";
            }
        };
    }
}
