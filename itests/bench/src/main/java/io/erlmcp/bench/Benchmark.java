// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Streamable HTTP benchmark in one go: the plain Jetty + Jackson baseline and an erlmcp node with the
 * examples feature, each in its own JVM, measured by the same load generator at each client count, alternating
 * so both see the same machine. Prints a Markdown table with erlmcp's throughput as a share of the baseline's.
 *
 * <p>Usage: {@code Benchmark <erlmcp-home> <clients,clients,...> <warmup-seconds> <seconds>}
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Benchmark <erlmcp-home> <clients,...> <warmup-seconds> <seconds>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int warmup = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<Integer> clientCounts = new ArrayList<>();
        for (String count : args[1].split(",")) {
            clientCounts.add(Integer.parseInt(count.trim()));
        }

        int basePort = freePort();
        Process baseline = startBaseline(basePort);
        Path base = Files.createTempDirectory("erlmcp-bench");
        int nodePort = freePort();
        Map<String, String> nodeEnv = Map.of("ERLMCP_BASE", base.toString(), "ERLMCP_HTTP_PORT",
                String.valueOf(nodePort), "ERLMCP_METRICS_PORT", String.valueOf(freePort()), "ERLMCP_TCP_PORT",
                String.valueOf(freePort()), "ERLMCP_FEATURES", "examples");
        erlmcp(home, nodeEnv, "start");
        List<String> rows = new ArrayList<>();
        try {
            for (int clients : clientCounts) {
                LoadGenerator.Result plain = measure("http://127.0.0.1:" + basePort + "/", false, "baseline", clients,
                        warmup, seconds);
                LoadGenerator.Result mcp = measure("http://127.0.0.1:" + nodePort + "/mcp", true, "erlmcp", clients,
                        warmup, seconds);
                rows.add(plain.row() + " 100% |");
                rows.add(mcp.row() + String.format(Locale.ROOT, " %.0f%% |", 100 * mcp.throughput() / plain.throughput()));
            }
        } finally {
            erlmcp(home, nodeEnv, "stop");
            baseline.destroy();
            baseline.waitFor(10, TimeUnit.SECONDS);
        }
        System.out.println("| target | clients | calls | failures | calls/s | p50 ms | p99 ms | max ms | vs baseline |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static LoadGenerator.Result measure(String url, boolean mcp, String target, int clients, int warmup,
            int seconds) throws Exception {
        LoadGenerator generator = new LoadGenerator(url, mcp, clients);
        try {
            LoadGenerator.Result result = generator.run(target, clients, warmup, seconds);
            System.err.println(result.row());
            return result;
        } finally {
            generator.close();
        }
    }

    private static Process startBaseline(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xms256m", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                BaselineEchoServer.class.getName(), String.valueOf(port)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening ")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException ended) {
                        // the process ended
                    }
                }, "baseline-output");
                drain.setDaemon(true);
                drain.start();
                return process;
            }
        }
        throw new IllegalStateException("the baseline server did not start");
    }

    private static void erlmcp(Path home, Map<String, String> env, String verb) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/erlmcp").toString(), verb).inheritIO();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("bin/erlmcp " + verb + " failed");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
