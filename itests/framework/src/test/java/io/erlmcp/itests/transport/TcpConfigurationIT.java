// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A TCP listener made from a factory configuration in ConfigurationAdmin, as etc/io.erlmcp.mcp.tcp-*.cfg makes one,
 * with its keys spelled the runbook's way (max_connections): real SCR, real ConfigAdmin, real sockets.
 */
@ExtendWith(ServiceExtension.class)
class TcpConfigurationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private Configuration configuration;

    @AfterEach
    void deleteConfiguration() throws Exception {
        if (configuration != null) {
            configuration.delete();
        }
    }

    @Test
    void underscoredKeysConfigureTheListener() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        configuration = configAdmin.getFactoryConfiguration("io.erlmcp.mcp.tcp", "it", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("host", "127.0.0.1");
        properties.put("port", port);
        properties.put("max_connections", 1);
        configuration.update(properties);

        try (Socket first = connect(port)) {
            OutputStream out = first.getOutputStream();
            out.write((INITIALIZE + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            JsonNode answer = JSON.readTree(reader(first).readLine());
            assertThat(answer.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");

            // max_connections = 1: the second connection is refused with one JSON-RPC error line.
            try (Socket second = connect(port)) {
                String refusal = reader(second).readLine();
                assertThat(refusal).isNotNull();
                assertThat(JSON.readTree(refusal).path("error").path("message").asText())
                        .contains("max_connections");
                assertThat(reader(second).readLine()).isNull();
            }
        }
    }

    private static Socket connect(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(10_000);
                return socket;
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // the component activates asynchronously after the update
            }
        }
    }

    private static BufferedReader reader(Socket socket) throws Exception {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }
}
