// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node holds after a full collection: live heap and threads ({@code bin/erlmcp eval
 * 'erlmcp:garbage_collect'}), and the threads that are busy, read from {@code jcmd <pid> Thread.print}: a thread is
 * busy when its stack runs erlmcp code (a transport's reader, a handler, a writer blocked on a socket) or when it
 * is a Jetty pool thread that is not idle (waiting for a job, reserved, selecting or accepting). Busy threads
 * are what a stuck connection would hold; idle pool threads come and go with load and are not counted.
 *
 * Sessions and requests in flight come from the engine's health check ({@code erlmcp:health session}).
 *
 * @param heap      live heap in bytes after the collection
 * @param threads   live threads of the JVM
 * @param busy      threads busy as above
 * @param sessions  sessions the engine holds
 * @param inFlight  requests the engine is running
 * @param busyNames names of the busy threads (for failure messages)
 */
record Vitals(long heap, int threads, int busy, int sessions, int inFlight, List<String> busyNames) {

    private static final Pattern HEAP = Pattern.compile("heap_used_after_bytes\\s*(\\d+)");
    private static final Pattern THREADS = Pattern.compile("(?m)^threads\\s*(\\d+)");
    private static final Pattern SESSIONS = Pattern.compile("(?m)^active_sessions\\s*(\\d+)");
    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^in_flight\\s*(\\d+)");
    private static final List<String> IDLE_JETTY = List.of("BlockingArrayQueue.poll", "ReservedThread.waitForTask",
            "ManagedSelector", "ServerConnector.accept", "SelectorManager");

    static Vitals of(Node node) throws IOException, InterruptedException {
        String gc = node.eval("erlmcp:garbage_collect");
        Matcher heap = HEAP.matcher(gc);
        Matcher threads = THREADS.matcher(gc);
        assertThat(heap.find() && threads.find()).as("erlmcp:garbage_collect output:\n%s", gc).isTrue();
        String health = node.eval("erlmcp:health session");
        Matcher sessions = SESSIONS.matcher(health);
        Matcher inFlight = IN_FLIGHT.matcher(health);
        assertThat(sessions.find() && inFlight.find()).as("erlmcp:health session output:\n%s", health).isTrue();
        List<String> busy = busyThreads(node.pid());
        return new Vitals(Long.parseLong(heap.group(1)), Integer.parseInt(threads.group(1)), busy.size(),
                Integer.parseInt(sessions.group(1)), Integer.parseInt(inFlight.group(1)), busy);
    }

    /** Names of the busy threads of JVM {@code pid}, from {@code jcmd <pid> Thread.print}. */
    static List<String> busyThreads(long pid) throws IOException, InterruptedException {
        // The JDK running the tests has jcmd; the one on PATH may be missing.
        Path own = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String tool = Files.isExecutable(own) ? own.toString() : "jcmd";
        Process jcmd = new ProcessBuilder(tool, String.valueOf(pid), "Thread.print").redirectErrorStream(true)
                .start();
        byte[] out = jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
        String dump = new String(out, StandardCharsets.UTF_8);
        assertThat(dump).as("jcmd %d Thread.print", pid).contains("Full thread dump");
        List<String> busy = new ArrayList<>();
        for (String block : dump.split("\n\\s*\n")) {
            if (!block.startsWith("\"")) {
                continue;
            }
            String name = block.substring(1, block.indexOf('"', 1));
            boolean erlmcp = block.contains("at io.erlmcp.");
            boolean jetty = name.startsWith("erlmcp-http") && IDLE_JETTY.stream().noneMatch(block::contains);
            if (erlmcp || jetty) {
                busy.add(name + (erlmcp ? " @ " + firstErlmcpFrame(block) : ""));
            }
        }
        return busy;
    }

    private static String firstErlmcpFrame(String block) {
        for (String line : block.split("\n")) {
            String t = line.trim();
            if (t.startsWith("at io.erlmcp.")) {
                return t.substring(3);
            }
        }
        return "";
    }

    String describe() {
        return String.format("heap %.1f MiB, %d threads, %d busy, %d sessions, %d in flight", heap / 1048576.0,
                threads, busy, sessions, inFlight);
    }
}
