// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real {@code bin/erlmcp} of the assembled distribution on a fresh instance directory
 * ({@code ERLMCP_BASE}) with free ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErlmcpScriptIT {

    @TempDir
    Path base;

    private Path script;
    private int httpPort;
    private int metricsPort;
    private int tcpPort;

    record Result(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        script = DistributionIT.dist().resolve("bin/erlmcp").toAbsolutePath();
        httpPort = freePort();
        metricsPort = freePort();
        tcpPort = freePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        // Never leave a node behind, whatever the test did.
        Path pidFile = base.resolve("data/erlmcp.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        }
    }

    @Test
    void startPingRefuseEvalStop() throws Exception {
        Result start = run("start");
        assertThat(start.status()).as(start.all()).isZero();
        assertThat(start.out()).contains("started");
        long pid = Long.parseLong(Files.readString(base.resolve("data/erlmcp.pid")).strip());
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(Files.getPosixFilePermissions(base.resolve("data/erlmcp.sock")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        Result ping = run("ping");
        assertThat(ping.status()).isZero();
        assertThat(ping.out().strip()).isEqualTo("pong");

        Result again = run("start");
        assertThat(again.status()).isNotZero();
        assertThat(again.err()).contains("a node is already running from " + base.toRealPath() + " (pid " + pid + ")");

        Result lb = run("eval", "lb");
        assertThat(lb.status()).as(lb.all()).isZero();
        assertThat(lb.out()).contains("Apache Felix Declarative Services", "erlmcp shell")
                .doesNotContain("Installed", "Resolved", "Failure");

        Result bad = run("eval", "no-such-command");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.out()).contains("Command not found");

        // ERLMCP_HTTP_PORT reaches bundles as a framework property and etc/io.erlmcp.http.cfg through FileInstall.
        Result property = run("eval", "((bundle 0) bundleContext) property erlmcp.http.port");
        assertThat(property.out().strip()).isEqualTo(Integer.toString(httpPort));
        Result config = run("eval", "ca = $.context service ($.context serviceReference "
                + "org.osgi.service.cm.ConfigurationAdmin); ($ca configuration io.erlmcp.http \"?\") properties");
        assertThat(config.status()).as(config.all()).isZero();
        assertThat(config.out()).containsPattern("port\\s+" + httpPort).containsPattern("host\\s+127.0.0.1");

        if (healthExpected()) {
            assertThat(health()).isEqualTo(200);
        }

        Result stop = run("stop");
        assertThat(stop.status()).as(stop.all()).isZero();
        assertThat(running(pid)).as("JVM %d still running", pid).isFalse();
        assertThat(base.resolve("data/erlmcp.pid")).doesNotExist();
        assertThat(base.resolve("data/erlmcp.sock")).doesNotExist();

        Result pang = run("ping");
        assertThat(pang.status()).isEqualTo(1);
        assertThat(pang.out().strip()).isEqualTo("pang");

        Result stopped = run("stop");
        assertThat(stopped.status()).isNotZero();
        assertThat(stopped.err()).contains("not running");
    }

    @Test
    void unknownFeatureFailsTheStartAndLeavesNothingRunning() throws Exception {
        Result start = run(Map.of("ERLMCP_FEATURES", "no-such-feature"), "start");
        assertThat(start.status()).isEqualTo(1);
        assertThat(start.err()).contains("unknown feature 'no-such-feature'");
        assertThat(base.resolve("data/erlmcp.pid")).doesNotExist();
        assertThat(run("ping").status()).isEqualTo(1);
    }

    @Test
    void unknownVerbPrintsUsage() throws Exception {
        Result r = run("frobnicate");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("usage:");
    }

    @Test
    void versionsListsTheBundles() throws Exception {
        Result r = run("versions");
        assertThat(r.status()).as(r.all()).isZero();
        assertThat(r.out()).contains("felix 7.", "java 17", "org.apache.felix.scr", "io.erlmcp.shell")
                .doesNotContain("MISSING");
    }

    /**
     * The /health check turns itself on once the http bundle ships a component (a Service-Component header);
     * {@code -Derlmcp.it.health=true|false} forces it.
     */
    private boolean healthExpected() throws IOException {
        String forced = System.getProperty("erlmcp.it.health", "auto");
        if (!forced.equals("auto")) {
            return Boolean.parseBoolean(forced);
        }
        try (var jars = Files.walk(DistributionIT.dist().resolve("system/io/erlmcp/io.erlmcp.http"))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.getManifest().getMainAttributes().getValue("Service-Component") != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void healthEndpointAnswers200() throws Exception {
        assumeTrue(healthExpected(), "io.erlmcp.http has no component yet; -Derlmcp.it.health=true forces this");
        assertThat(run("start").status()).isZero();
        try {
            assertThat(health()).isEqualTo(200);
        } finally {
            assertThat(run("stop").status()).isZero();
        }
    }

    /**
     * ERLMCP_TLS_KEYSTORE and ERLMCP_HTTPS_PORT turn on the TLS 1.3 listener of etc/io.erlmcp.http.cfg: /health,
     * Streamable HTTP and WebSocket answer over it, beside plain HTTP.
     */
    @Test
    void httpsAndWssOnTheSecondPortFromTheEnvironment() throws Exception {
        assumeTrue(healthExpected(), "io.erlmcp.http has no component yet");
        String password = "erlmcp-it";
        Path keystore = base.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "erlmcp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(keytoolOutput).isTrue();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory
                .getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        int httpsPort = freePort();

        Result start = run(Map.of("ERLMCP_TLS_KEYSTORE", keystore.toString(), "ERLMCP_TLS_KEYSTORE_PASSWORD", password,
                "ERLMCP_HTTPS_PORT", Integer.toString(httpsPort)), "start");
        assertThat(start.status()).as(start.all()).isZero();
        try {
            assertThat(health()).isEqualTo(200);
            HttpClient client = HttpClient.newBuilder().sslContext(tls)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> https = client.send(java.net.http.HttpRequest
                    .newBuilder(URI.create("https://localhost:" + httpsPort + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(https.statusCode()).as(https.body()).isEqualTo(200);
            assertThat(https.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");

            String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
            HttpResponse<String> mcp = client.send(java.net.http.HttpRequest
                    .newBuilder(URI.create("https://localhost:" + httpsPort + "/mcp"))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(initialize)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(mcp.statusCode()).as(mcp.body()).isEqualTo(200);
            assertThat(mcp.headers().firstValue("Mcp-Session-Id")).isPresent();
            assertThat(mcp.body()).contains("\"protocolVersion\":\"2025-11-25\"");

            CompletableFuture<String> answer = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().subprotocols("mcp")
                    .buildAsync(URI.create("wss://localhost:" + httpsPort + "/mcp/ws"),
                            new WebSocket.Listener() {
                                private final StringBuilder text = new StringBuilder();

                                @Override
                                public CompletionStage<?> onText(WebSocket socket,
                                        CharSequence data, boolean last) {
                                    text.append(data);
                                    if (last) {
                                        answer.complete(text.toString());
                                    }
                                    socket.request(1);
                                    return null;
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
            ws.sendText(initialize, true).get(5, TimeUnit.SECONDS);
            assertThat(answer.get(10, TimeUnit.SECONDS)).contains("\"id\":1", "\"protocolVersion\":\"2025-11-25\"");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } finally {
            assertThat(run("stop").status()).isZero();
        }
    }

    private int health() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + "/health")
                        .toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200) {
                    return code;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET /health on port " + httpPort + " never answered 200", last);
    }

    private Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private Result run(Map<String, String> extraEnv, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(concat(script.toString(), args));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ERLMCP_"));
        env.put("ERLMCP_BASE", base.toString());
        env.put("ERLMCP_HTTP_PORT", Integer.toString(httpPort));
        env.put("ERLMCP_METRICS_PORT", Integer.toString(metricsPort));
        env.put("ERLMCP_TCP_PORT", Integer.toString(tcpPort));
        env.put("ERLMCP_JAVA_OPTS", "-Xms64m -Xmx256m");
        env.putAll(extraEnv);
        Path out = Files.createTempFile("erlmcp-it", ".out");
        Path err = Files.createTempFile("erlmcp-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/erlmcp " + String.join(" ", args) + " did not finish in 90 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> concat(String first, String... rest) {
        List<String> list = new java.util.ArrayList<>();
        list.add(first);
        list.addAll(List.of(rest));
        return list;
    }

    /** Alive and not a zombie: a daemon's JVM that ended waits for its adoptive parent to reap it. */
    static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return !Files.isDirectory(Path.of("/proc/self"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
