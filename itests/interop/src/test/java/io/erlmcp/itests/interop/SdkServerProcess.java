// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code sdk-server.mjs} in one of its HTTP modes ({@code http} or {@code sse}): started on a free loopback port,
 * which it announces on its first stdout line; its stderr goes to a file for assertion messages.
 */
final class SdkServerProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path stderr;
    private final int port;

    private SdkServerProcess(Process process, Path stderr, int port) {
        this.process = process;
        this.stderr = stderr;
        this.port = port;
    }

    /** Starts {@code sdk-server.mjs <mode>} and waits (at most 60 s) until it listens. */
    static SdkServerProcess start(NodeSdk sdk, String mode) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("sdk-server-" + mode, ".err");
        Process process = sdk.builder("sdk-server.mjs", List.of(mode), Map.of())
                .redirectError(stderr.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            line = null;
        }
        if (line == null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String announced = line;
        assertThat(announced).as(() -> "sdk-server.mjs " + mode + " announced its port; stderr:\n" + read(stderr))
                .isNotNull().startsWith("{\"listening\":");
        int port = JSON.readTree(announced).path("listening").asInt();
        return new SdkServerProcess(process, stderr, port);
    }

    int port() {
        return port;
    }

    /** What the server wrote to stderr so far, for assertion messages. */
    String stderr() {
        return read(stderr);
    }

    /** Closes the server's stdin (it then exits), waits up to 5 s, then kills it. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // a temporary file; the OS cleans it up
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
