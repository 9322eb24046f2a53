// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Live heap per idle MCP session, per transport, measured on a release node the way an operator would: the live
 * heap after full collections ({@code bin/erlmcp eval 'erlmcp:garbage_collect'}, heap_used_after_bytes) before
 * and after opening N idle sessions, divided by N; repeated, and the spread reported.
 *
 * <ul>
 * <li>{@code http}: {@code initialize} + {@code notifications/initialized} over Streamable HTTP, then the client
 * closes its connections (the session lives on without one); DELETE ends them after the measurement.
 * <li>{@code ws}, {@code tcp}: the same two messages over a WebSocket ({@code /mcp/ws}, subprotocol mcp) or TCP
 * connection that then stays open and idle (WebSocket pings answered), held by {@link IdleClients} processes.
 * </ul>
 *
 * <p>Usage: {@code IdleMemory <erlmcp-home> <transport=count,...> <repeats> [histogram]}, e.g.
 * {@code IdleMemory ../../runtime/target/erlmcp http=10000,ws=5000,tcp=5000 3 histogram}. With {@code
 * histogram} the first repeat of each transport also prints the classes whose live bytes grew most
 * ({@code jcmd <pid> GC.class_histogram} after minus before), per session ({@code -Dbench.topClasses=15}). The node runs with
 * {@link ReleaseNode#manySessions()}; {@code -Dbench.nodeJavaOpts=...} adds JVM options to it.
 */
public final class IdleMemory {

    private static final int TOP_CLASSES = Integer.getInteger("bench.topClasses", 15);

    private IdleMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !"histogram".equals(args[3]))) {
            System.err.println("usage: IdleMemory <erlmcp-home> <http|ws|tcp=count,...> <repeats> [histogram]");
            System.exit(2);
        }
        Map<String, Integer> plan = new LinkedHashMap<>();
        for (String part : args[1].split(",")) {
            String[] kv = part.split("=");
            if (kv.length != 2 || !List.of("http", "ws", "tcp").contains(kv[0].trim())) {
                throw new IllegalArgumentException("not transport=count: " + part);
            }
            plan.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
        int repeats = Integer.parseInt(args[2]);
        boolean histogram = args.length == 4;

        List<String> rows = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        List<String> histograms = new ArrayList<>();
        try (ReleaseNode node = new ReleaseNode(Path.of(args[0]), ReleaseNode.manySessions(),
                System.getProperty("bench.nodeJavaOpts"))) {
            node.start();
            System.err.println("node pid " + node.pid() + ", instance " + node.base());
            for (Map.Entry<String, Integer> step : plan.entrySet()) {
                String transport = step.getKey();
                int count = step.getValue();
                List<Double> perSession = new ArrayList<>();
                for (int r = 1; r <= repeats; r++) {
                    boolean withHistogram = histogram && r == 1;
                    long before = node.liveHeap();
                    Map<String, long[]> classesBefore = withHistogram ? node.classHistogram() : null;
                    long began = System.nanoTime();
                    Opened opened = open(node, transport, count);
                    double openSeconds = (System.nanoTime() - began) / 1e9;
                    try {
                        Thread.sleep(2_000);
                        long after = node.liveHeap();
                        long held = opened.held();
                        Map<String, long[]> classesAfter = withHistogram ? node.classHistogram() : null;
                        double bytes = held == 0 ? Double.NaN : (double) (after - before) / held;
                        perSession.add(bytes);
                        String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.1f | %.0f |", transport,
                                held, r, before, after, openSeconds, bytes);
                        System.err.println(row);
                        rows.add(row);
                        if (withHistogram) {
                            histograms.add(histogramTable(transport, held, classesBefore, classesAfter));
                        }
                    } finally {
                        opened.close();
                    }
                    Thread.sleep(settleMillis(transport));
                }
                perSession.sort(Comparator.naturalOrder());
                double median = perSession.get(perSession.size() / 2);
                summary.add(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f |", transport, count,
                        repeats, median, perSession.get(0), perSession.get(perSession.size() - 1)));
            }
        }
        System.out.println("| transport | sessions held | repeat | live heap before | live heap after | open s | "
                + "bytes per session |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("| transport | sessions | repeats | bytes per session (median) | min | max |");
        System.out.println("|---|---|---|---|---|---|");
        summary.forEach(System.out::println);
        histograms.forEach(h -> System.out.println("\n" + h));
    }

    /**
     * @return how long to wait after closing sessions before the next repeat: mcp-tcp's pool threads (and what
     *         they hold) end 60 s after their connection closed, so a repeat sooner would find them ready-made
     */
    private static long settleMillis(String transport) {
        return "tcp".equals(transport) ? 65_000 : 3_000;
    }

    /** What was opened, and how to end it. */
    private interface Opened extends AutoCloseable {
        long held() throws Exception;

        @Override
        void close() throws Exception;
    }

    private static Opened open(ReleaseNode node, String transport, int count) throws Exception {
        if ("http".equals(transport)) {
            String url = "http://127.0.0.1:" + node.httpPort() + "/mcp";
            List<String> ids = HttpSessions.open(url, count);
            return new Opened() {
                public long held() {
                    return ids.size();
                }

                public void close() throws Exception {
                    HttpSessions.delete(url, ids);
                }
            };
        }
        boolean ws = "ws".equals(transport);
        IdleHolders holders = new IdleHolders(ws ? IdleClients.Kind.WS : IdleClients.Kind.TCP,
                ws ? node.httpPort() : node.tcpPort(), "/mcp/ws", count, 10_000, 2);
        return new Opened() {
            public long held() throws Exception {
                return holders.ready();
            }

            public void close() throws Exception {
                holders.close();
            }
        };
    }

    /** @return a Markdown table of the classes that grew most, per session */
    static String histogramTable(String transport, long sessions, Map<String, long[]> before,
            Map<String, long[]> after) {
        Map<String, long[]> delta = new HashMap<>();
        after.forEach((name, a) -> {
            long[] b = before.getOrDefault(name, new long[2]);
            delta.put(name, new long[] {a[0] - b[0], a[1] - b[1]});
        });
        List<Map.Entry<String, long[]>> top = new ArrayList<>(delta.entrySet());
        top.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        long total = delta.values().stream().mapToLong(d -> d[1]).sum();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: class histogram growth for %d sessions (all classes: %.0f bytes "
                + "per session)%n%n", transport, sessions, (double) total / sessions));
        out.append("| class | instances per session | bytes per session |\n|---|---|---|\n");
        for (Map.Entry<String, long[]> e : top.subList(0, Math.min(TOP_CLASSES, top.size()))) {
            out.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.0f |%n", e.getKey(),
                    (double) e.getValue()[0] / sessions, (double) e.getValue()[1] / sessions));
        }
        return out.toString();
    }
}
