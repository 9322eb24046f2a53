// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The server side the transport tests share: a few MCP methods answered the way erlmcp answers them, and a
 * self-signed keystore for the TLS tests.
 */
final class ScriptedMcp {

    private ScriptedMcp() {
    }

    /**
     * The messages a server sends for {@code message}: initialize, ping, tools/call of {@code echo} (its message
     * back, after a progress notification) and of {@code never} (no answer); nothing for notifications.
     */
    static List<String> answer(JsonNode message) {
        JsonNode id = message.get("id");
        String method = message.path("method").asText("");
        if (id == null || method.isEmpty()) {
            return List.of();
        }
        return switch (method) {
            case "initialize" -> List.of(result(id, "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
                    + "{\"tools\":{}},\"serverInfo\":{\"name\":\"scripted\",\"version\":\"1\"}}"));
            case "ping" -> List.of(result(id, "{}"));
            case "tools/call" -> switch (message.at("/params/name").asText()) {
                case "echo" -> List.of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                        + "{\"progressToken\":" + message.at("/params/_meta/progressToken") + ",\"progress\":1}}",
                        result(id, "{\"content\":[{\"type\":\"text\",\"text\":"
                                + text(message.at("/params/arguments/message").asText()) + "}]}"));
                case "never" -> List.of();
                default -> List.of("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32602,"
                        + "\"message\":\"Unknown tool\"}}");
            };
            default -> List.of("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,"
                    + "\"message\":\"Method not found\"}}");
        };
    }

    static String result(JsonNode id, String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
    }

    static String text(String s) {
        return JsonRpcPeer.JSON.getNodeFactory().textNode(s).toString();
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) JsonRpcPeer.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** A PKCS12 keystore (password changeit) with a self-signed EC key for localhost and 127.0.0.1. */
    static Path keystore(Path dir) throws IOException, InterruptedException {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "erlmcp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        return keystore;
    }

    /** A server context with the keystore's key (TLS 1.3). */
    static SSLContext serverContext(Path keystore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keystore), "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** A client context trusting the keystore's certificate. */
    static SSLContext clientContext(Path keystore) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(keystore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }
}
