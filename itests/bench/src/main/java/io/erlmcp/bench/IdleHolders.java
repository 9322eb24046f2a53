// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Idle WebSocket or TCP sessions held by child processes ({@link IdleClients}), at most {@code perProcess} each,
 * each process on its own source address 127.0.0.2, 127.0.0.3, ...: a process, like the node, may open at most
 * as many files as the machine's per-process limit, and one source address has only so many ports.
 */
final class IdleHolders implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready=(\\d+) failed=(\\d+) dropped=(\\d+) pongs=(\\d+)");

    private final List<Holder> holders = new ArrayList<>();

    private record Holder(Process process, BufferedReader out, OutputStream in, int count) {
    }

    /**
     * Starts the processes and waits until every connection is ready or failed.
     *
     * @param firstSource the last byte of the first source address 127.0.0.x
     */
    IdleHolders(IdleClients.Kind kind, int port, String path, int count, int perProcess, int firstSource)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0, left = count; left > 0; i++) {
            int n = Math.min(perProcess, left);
            left -= n;
            Process process = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), IdleClients.class.getName(),
                    kind.name().toLowerCase(Locale.ROOT), "127.0.0.1", String.valueOf(port), path,
                    "127.0.0." + (firstSource + i), String.valueOf(n)).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            holders.add(new Holder(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), process.getOutputStream(), n));
        }
        for (Holder h : holders) {
            String line;
            while ((line = h.out.readLine()) != null && !line.startsWith("done ")) {
                if (System.getProperty("bench.verbose") != null) {
                    System.err.println("  holder: " + line);
                }
            }
            if (line == null) {
                throw new IOException("an IdleClients process ended before it was done");
            }
            if (!line.contains("failed=0 ")) {
                System.err.println("  holder: " + line);
            }
        }
    }

    /** @return {ready, failed, dropped, pongs} summed over the processes, asked now */
    long[] status() throws IOException {
        long[] sum = new long[4];
        for (Holder h : holders) {
            h.in.write("status\n".getBytes(StandardCharsets.US_ASCII));
            h.in.flush();
            String line;
            while ((line = h.out.readLine()) != null && !line.startsWith("status ")) {
                // progress lines
            }
            if (line == null) {
                throw new IOException("an IdleClients process ended");
            }
            Matcher m = READY.matcher(line);
            if (m.find()) {
                for (int i = 0; i < 4; i++) {
                    sum[i] += Long.parseLong(m.group(i + 1));
                }
            }
            if (!line.contains("failures={}")) {
                System.err.println("  holder: " + line);
            }
        }
        return sum;
    }

    /** @return sessions ready and open now */
    long ready() throws IOException {
        return status()[0];
    }

    @Override
    public void close() throws InterruptedException {
        for (Holder h : holders) {
            try {
                h.in.write("close\n".getBytes(StandardCharsets.US_ASCII));
                h.in.close();
            } catch (IOException e) {
                // it ended already
            }
        }
        for (Holder h : holders) {
            if (!h.process.waitFor(60, TimeUnit.SECONDS)) {
                h.process.destroyForcibly();
            }
        }
    }
}
