// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the transport benchmarks in one go: the baseline ({@link BaselineEchoServer}: plain Jetty + Jackson over
 * HTTP and WebSocket, a plain socket + Jackson over TCP) and an erlmcp node with the examples feature, each in its
 * own JVM, measured by the same closed-loop clients at each client count, alternating so both see the same
 * machine. Prints a Markdown table with erlmcp's throughput as a share of the baseline's.
 *
 * <p>Usage: {@code Benchmark <erlmcp-home> <clients,clients,...> <warmup-seconds> <seconds> [http,ws,tcp]}
 * (the transports default to all three).
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: Benchmark <erlmcp-home> <clients,...> <warmup-seconds> <seconds> [http,ws,tcp]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int warmup = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<Integer> clientCounts = new ArrayList<>();
        for (String count : args[1].split(",")) {
            clientCounts.add(Integer.parseInt(count.trim()));
        }
        List<String> transports = List.of((args.length == 5 ? args[4] : "http,ws,tcp").split(","));
        for (String transport : transports) {
            if (!List.of("http", "ws", "tcp").contains(transport)) {
                throw new IllegalArgumentException("unknown transport " + transport + " (http, ws, tcp)");
            }
        }

        Baseline baseline = startBaseline();
        List<String> rows = new ArrayList<>();
        try (ReleaseNode node = new ReleaseNode(home, Map.of(), null)) {
            node.start();
            for (String transport : transports) {
                for (int clients : clientCounts) {
                    LoadGenerator.Result plain = measure(transport, baseline.url(transport), false,
                            "baseline " + transport, clients, warmup, seconds);
                    String plainLoad = loadAverage();
                    LoadGenerator.Result mcp = measure(transport, erlmcpUrl(transport, node), true,
                            "erlmcp " + transport, clients, warmup, seconds);
                    rows.add(plain.row() + " 100% | " + plainLoad + " |");
                    rows.add(mcp.row() + String.format(Locale.ROOT, " %.0f%% | %s |",
                            100 * mcp.throughput() / plain.throughput(), loadAverage()));
                }
            }
        } finally {
            baseline.process().destroy();
            baseline.process().waitFor(10, TimeUnit.SECONDS);
        }
        System.out.println("| target | clients | calls | failures | calls/s | p50 ms | p99 ms | max ms | vs baseline "
                + "| load |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** @return the 1-minute load average (other work on the machine shows here), or "?" */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The baseline server's process and ports. */
    private record Baseline(Process process, int httpPort, int tcpPort) {
        String url(String transport) {
            return switch (transport) {
                case "http" -> "http://127.0.0.1:" + httpPort + "/";
                case "ws" -> "ws://127.0.0.1:" + httpPort + "/ws";
                default -> "tcp://127.0.0.1:" + tcpPort;
            };
        }
    }

    private static String erlmcpUrl(String transport, ReleaseNode node) {
        return switch (transport) {
            case "http" -> "http://127.0.0.1:" + node.httpPort() + "/mcp";
            case "ws" -> "ws://127.0.0.1:" + node.httpPort() + "/mcp/ws";
            default -> "tcp://127.0.0.1:" + node.tcpPort();
        };
    }

    private static LoadGenerator.Result measure(String transport, String url, boolean mcp, String target, int clients,
            int warmup, int seconds) throws Exception {
        LoadGenerator.Result result;
        if ("http".equals(transport)) {
            LoadGenerator generator = new LoadGenerator(url, mcp, clients);
            try {
                result = generator.run(target, clients, warmup, seconds);
            } finally {
                generator.close();
            }
        } else {
            result = new SocketLoadGenerator(url, mcp).run(target, clients, warmup, seconds);
        }
        System.err.println(result.row());
        return result;
    }

    private static Baseline startBaseline() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xms256m", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                BaselineEchoServer.class.getName(), "0", "0").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening ")) {
                String[] ports = line.split(" ");
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
                return new Baseline(process, Integer.parseInt(ports[1]), Integer.parseInt(ports[2]));
            }
        }
        throw new IllegalStateException("the baseline server did not start");
    }
}
