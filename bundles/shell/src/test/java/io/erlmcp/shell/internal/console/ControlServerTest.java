// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    @TempDir
    Path dir;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch rebooted = new CountDownLatch(1);
    private ControlServer server;

    @BeforeEach
    void start() throws IOException {
        server = new ControlServer(dir.resolve("data/erlmcp.sock"), new EchoProcessor(), stopped::countDown,
                rebooted::countDown);
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void socketIsPrivateToTheOwner() throws IOException {
        assertThat(Files.getPosixFilePermissions(server.socket()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void pingAnswersPong() throws IOException {
        assertThat(exchange("PING")).containsExactly("pong");
    }

    @Test
    void evalPrintsOutputAndResultThenStatus() throws IOException {
        assertThat(exchange("EVAL echo hello")).containsExactly("said hello", "result:hello",
                ControlServer.STATUS_PREFIX + "0");
    }

    @Test
    void evalReportsTheErrorMessageAndFailure() throws IOException {
        assertThat(exchange("EVAL fail")).containsExactly("error: Command not found: fail",
                ControlServer.STATUS_PREFIX + "1");
    }

    @Test
    void attachRunsLinesUntilExit() throws IOException {
        List<String> lines = exchange("ATTACH", "echo one", "", "fail", "exit", "echo never");
        String all = String.join("\n", lines);
        assertThat(all).contains("said one", "result:one", "error: Command not found: fail", "Detached.")
                .doesNotContain("never");
    }

    @Test
    void stopRunsTheStopActionAndHoldsTheConnectionUntilClose() throws Exception {
        try (SocketChannel channel = connect()) {
            PrintStream out = new PrintStream(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8);
            BufferedReader in = reader(channel);
            out.println("STOP");
            assertThat(in.readLine()).isEqualTo("stopping");
            assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
            server.close();
            assertThat(in.readLine()).isNull();
        }
        assertThat(server.socket()).doesNotExist();
    }

    @Test
    void rebootRunsTheRebootAction() throws Exception {
        try (SocketChannel channel = connect()) {
            new PrintStream(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8).println("REBOOT");
            assertThat(reader(channel).readLine()).isEqualTo("rebooting");
            assertThat(rebooted.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unknownRequestIsAnError() throws IOException {
        assertThat(exchange("HELLO")).singleElement().asString().startsWith("error: unknown request 'HELLO'");
    }

    @Test
    void staleSocketFileIsReplaced() throws IOException {
        server.close();
        Files.createFile(dir.resolve("data/erlmcp.sock"));
        server = new ControlServer(dir.resolve("data/erlmcp.sock"), new EchoProcessor(), () -> { }, () -> { });
        assertThat(exchange("PING")).containsExactly("pong");
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(server.socket()));
        return channel;
    }

    private static BufferedReader reader(SocketChannel channel) {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    private List<String> exchange(String... lines) throws IOException {
        try (SocketChannel channel = connect()) {
            PrintStream out = new PrintStream(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8);
            for (String line : lines) {
                out.println(line);
            }
            channel.shutdownOutput();
            BufferedReader in = reader(channel);
            List<String> answer = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answer.add(line);
            }
            return answer;
        }
    }

    /** A command processor with one command, {@code echo <word>}; anything else is "not found". */
    private static final class EchoProcessor implements CommandProcessor {
        @Override
        public CommandSession createSession(java.io.InputStream in, OutputStream out, OutputStream err) {
            PrintStream print = (PrintStream) out;
            return (CommandSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {CommandSession.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                        case "execute":
                            String line = args[0].toString();
                            if (!line.startsWith("echo ")) {
                                throw new IllegalArgumentException("Command not found: " + line);
                            }
                            String word = line.substring(5);
                            print.println("said " + word);
                            return word;
                        case "format":
                            return "result:" + args[0];
                        default:
                            return null;
                        }
                    });
        }

        @Override
        public CommandSession createSession(CommandSession parent) {
            throw new UnsupportedOperationException();
        }
    }
}
