// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bad input on {@code bin/erlmcp stdio}: the node is the child process and its stdin/stdout are the connection.
 * The cases run in order on one process (its one session is the client); the last two end their process (a
 * client that goes away, a client that stops reading), and the next process must start and serve in the same
 * instance directory. {@code bin/erlmcp eval} reaches a stdio node through its control socket like a daemon.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class StdioRobustnessTest {

    private static Node node;
    private static Process child;
    private static Lines lines;
    private static Baseline baseline;

    @BeforeAll
    static void startChild() throws Exception {
        node = Node.prepare("stdio");
        child = start();
        lines.startReading();
        lines.handshake();
        for (int i = 0; i < 20; i++) {
            lines.send(Mcp.echo(10 + i, "warm-up " + i));
        }
        for (int i = 0; i < 20; i++) {
            lines.response(10 + i, 10_000);
        }
        baseline = Baseline.of(node, "stdio", 1); // the one stdio session, which never expires
    }

    @AfterAll
    static void stopChild() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private static Process start() throws Exception {
        Process p = node.stdio();
        node.awaitStdio(p, 60_000);
        lines = new Lines(p.getInputStream(), p.getOutputStream());
        return p;
    }

    /** The same client, after the bad input: still answered; then the node's vitals are back. */
    private static void settle(String inputCase, long id) throws Exception {
        lines.send(Mcp.echo(id, "still here"));
        assertThat(Mcp.text(lines.response(id, 10_000))).isEqualTo("still here");
        baseline.settle(inputCase);
    }

    /** The next message that is not a result must be a parse error with {@code id: null}. */
    private static void awaitParseError() throws InterruptedException {
        JsonNode error = lines.await(m -> !m.has("result"), 10_000, "an error line");
        assertThat(Mcp.isError(error, -32700)).as("parse error with id null: %s", error).isTrue();
    }

    @Test
    @Order(1)
    void garbageLinesGetParseErrors() throws Exception {
        baseline.begin();
        lines.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, '\n'});
        lines.send("this is {not json");
        for (int i = 0; i < 2; i++) {
            awaitParseError();
        }
        settle("garbageLinesGetParseErrors", 101);
    }

    @Test
    @Order(2)
    void anUnterminatedLineWaitsAndIsAnsweredWhenItEnds() throws Exception {
        baseline.begin();
        lines.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"pi".getBytes(StandardCharsets.UTF_8));
        // stdio has no idle timeout: the client owns the process. Nothing is answered until the line ends.
        assertThat(lines.next(1_500)).as("no answer to half a line").isNull();
        assertThat(child.isAlive()).isTrue();
        lines.sendRaw(new byte[] {'\n'});
        awaitParseError();
        settle("anUnterminatedLineWaitsAndIsAnsweredWhenItEnds", 102);
    }

    @Test
    @Order(3)
    void aHundredMegabyteLineGetsAnErrorEarly() throws Exception {
        baseline.begin();
        Lines.LongLine streamed = lines.sendLongLine(100L << 20);
        long sent = streamed.sent();
        String line = streamed.answer();
        if (line == null) {
            line = lines.next(10_000);
        }
        Baseline.record("stdio 100 MB line: error after " + sent / 1024 + " KiB sent");
        assertThat(line).isNotNull().isNotEqualTo(Lines.EOF);
        assertThat(Mcp.isError(Mcp.parse(line), -32600)).as(line).isTrue();
        assertThat(sent).isLessThan(16L << 20);
        lines.sendRaw(new byte[] {'\n'});
        settle("aHundredMegabyteLineGetsAnErrorEarly", 103);
    }

    @Test
    @Order(4)
    void aClientThatVanishesMidResponseEndsTheProcess() throws Exception {
        lines.send(Mcp.elicitation(200));
        String big = Mcp.repeat('v', 16 * 1024);
        for (int i = 0; i < 40; i++) {
            lines.send(Mcp.echo(300 + i, big));
        }
        lines.await(m -> "elicitation/create".equals(m.path("method").asText()), 10_000, "elicitation/create");
        // Gone: both pipes closed while a tool waits for the client and answers are being written.
        child.getInputStream().close();
        child.getOutputStream().close();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("the node exits").isTrue();
        Baseline.record("stdio client vanished mid-response: the node exited with " + child.exitValue());
    }

    @Test
    @Order(5)
    void aFreshClientIsServedAndOneThatStopsReadingEndsTheProcess() throws Exception {
        child = start();
        lines.handshake(); // read on this thread; from here on nothing is read
        lines.send(Mcp.echo(2, "fresh client"));
        assertThat(Mcp.text(lines.response(2, 10_000))).isEqualTo("fresh client");
        String big = Mcp.repeat('s', 32 * 1024);
        int calls = 600; // 19 MiB of answers: more than the pipe and the 1 MiB queue together
        int sentCalls = Mcp.sendEchoes(lines::send, calls, big); // the node may exit before all are written
        boolean exited = child.waitFor(30, TimeUnit.SECONDS);
        int answers = exited ? lines.awaitEof(10_000) : -1;
        Baseline.record("stdio slow reader: " + sentCalls + " calls sent, " + answers
                + " lines read after the node " + (exited ? "exited with " + child.exitValue() : "did not exit"));
        assertThat(exited).as("the node ends the session of a client that does not read, and exits").isTrue();
        assertThat(answers).isLessThan(calls);
    }
}
