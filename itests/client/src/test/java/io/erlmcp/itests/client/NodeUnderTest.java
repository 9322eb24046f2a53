// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.erlmcp.itests.testkit.ReleaseNode;

/**
 * One release node for one test class: {@code bin/erlmcp start} with a fresh ERLMCP_BASE, free ports and the
 * examples feature; {@link #close()} stops it. {@link #withTcpTls()} prepares the instance directory for a TLS
 * TCP listener first; {@link #withHttps()} turns on the HTTPS/WSS listener through the environment.
 */
final class NodeUnderTest implements AutoCloseable {

    /** The keystore's password (the test's own self-signed key). */
    static final String KEYSTORE_PASSWORD = "changeit";

    final Path home;
    final Path base;
    Map<String, String> env;
    final int httpPort;
    final int tcpPort;
    private int tlsPort = -1;
    private int httpsPort = -1;
    private int limitedPort = -1;
    private Path keystore;

    private NodeUnderTest() throws IOException {
        home = ReleaseNode.home();
        httpPort = ReleaseNode.freePort();
        env = new HashMap<>(ReleaseNode.env(httpPort));
        base = Path.of(env.get("ERLMCP_BASE"));
        tcpPort = Integer.parseInt(env.get("ERLMCP_TCP_PORT"));
    }

    /** A node with the release's configuration. */
    static NodeUnderTest start() throws Exception {
        return new NodeUnderTest().boot();
    }

    /**
     * A node with a second TCP listener that speaks TLS 1.3: the instance's {@code etc/} is a copy of the release's
     * plus {@code io.erlmcp.mcp.tcp-tls.cfg} and a self-signed PKCS12 keystore made with the JDK's keytool. A third,
     * plain listener ({@code io.erlmcp.mcp.tcp-limited.cfg}) takes one connection at most.
     */
    static NodeUnderTest withTcpTls() throws Exception {
        NodeUnderTest node = new NodeUnderTest();
        Path etc = node.base.resolve("etc");
        copy(node.home.resolve("etc"), etc);
        node.keystore = keystore(etc.resolve("tcp-tls.p12"));
        node.tlsPort = ReleaseNode.freePort();
        Files.writeString(etc.resolve("io.erlmcp.mcp.tcp-tls.cfg"), String.join("\n",
                "# A TLS 1.3 MCP TCP listener written by the client's release tests.",
                "port = " + node.tlsPort, "host = 127.0.0.1", "tls_keystore = " + node.keystore,
                "tls_keystore_password = " + KEYSTORE_PASSWORD, "tls_keystore_type = PKCS12", ""),
                StandardCharsets.UTF_8);
        node.limitedPort = ReleaseNode.freePort();
        Files.writeString(etc.resolve("io.erlmcp.mcp.tcp-limited.cfg"), String.join("\n",
                "# A plain MCP TCP listener for one connection, written by the client's release tests.",
                "port = " + node.limitedPort, "host = 127.0.0.1", "max_connections = 1", ""), StandardCharsets.UTF_8);
        return node.boot();
    }

    /**
     * A node with the HTTPS/WSS listener of {@code etc/io.erlmcp.http.cfg} on a free port (ERLMCP_HTTPS_PORT,
     * ERLMCP_TLS_KEYSTORE and ERLMCP_TLS_KEYSTORE_PASSWORD, a keytool keystore in the instance directory).
     */
    static NodeUnderTest withHttps() throws Exception {
        NodeUnderTest node = new NodeUnderTest();
        node.keystore = keystore(node.base.resolve("https.p12"));
        node.httpsPort = ReleaseNode.freePort();
        node.env.put("ERLMCP_HTTPS_PORT", String.valueOf(node.httpsPort));
        node.env.put("ERLMCP_TLS_KEYSTORE", node.keystore.toString());
        node.env.put("ERLMCP_TLS_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);
        return node.boot();
    }

    private NodeUnderTest boot() throws Exception {
        ReleaseNode.start(home, env);
        awaitListening(tcpPort);
        if (tlsPort > 0) {
            awaitListening(tlsPort);
        }
        if (httpsPort > 0) {
            awaitListening(httpsPort);
        }
        if (limitedPort > 0) {
            awaitListening(limitedPort);
        }
        return this;
    }

    URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + httpPort + path);
    }

    /** {@code scheme://127.0.0.1:<https port>path} ({@link #withHttps()} only). */
    URI secureUri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + httpsPort + path);
    }

    /** The port of the plain TCP listener limited to one connection ({@link #withTcpTls()} only). */
    int limitedPort() {
        return limitedPort;
    }

    /** The TLS TCP listener's port ({@link #withTcpTls()} only). */
    int tlsPort() {
        return tlsPort;
    }

    /** A client context that trusts exactly the node's self-signed certificate (TCP TLS or HTTPS nodes). */
    SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Runs one console command line with {@code bin/erlmcp eval}, as an operator would. */
    ReleaseNode.Output eval(String line) throws Exception {
        return ReleaseNode.output(home, env, java.util.List.of("eval", line), 60);
    }

    /** Stops and starts the node again (same instance directory and ports). */
    void restart() throws Exception {
        assertThat(ReleaseNode.stop(home, env)).as("bin/erlmcp stop").isZero();
        boot();
    }

    /** Stops the node and deletes its instance directory (kept if the node would not stop, for a look). */
    @Override
    public void close() throws Exception {
        if (ReleaseNode.stop(home, env) != 0) {
            return;
        }
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.out.println("could not delete " + base + ": " + e);
        }
    }

    /** The listeners come up from ConfigAdmin after start returns: wait until {@code port} accepts. */
    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on 127.0.0.1:" + port + " 30 s after start", last);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static Path keystore(Path keystore) throws IOException, InterruptedException {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "erlmcp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool ends").isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        return keystore;
    }
}
