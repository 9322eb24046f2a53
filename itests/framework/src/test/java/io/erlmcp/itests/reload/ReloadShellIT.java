// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.drain.DrainStatus;
import io.erlmcp.drain.RequestGate;
import io.erlmcp.itests.reload.ReloadSupport.EchoClient;
import io.erlmcp.reload.PrepareReport;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadService;
import io.erlmcp.reload.ReloadStatus;

/** The runbook's two-phase reload (section 9.5) as an operator types it: prepare, drain, finish. */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class ReloadShellIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    CommandProcessor processor;

    @InjectService(timeout = 5000)
    ReloadService reload;

    @InjectService(timeout = 5000)
    RequestGate gate;

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        gate.stop();
        reload.cancel();
        ReloadSupport.removeFixtures();
    }

    @Test
    void prepareDrainFinishStatusRollback() throws Exception {
        ReloadSupport.install(reload, Fixtures.echo(dir.resolve("v1.jar"), "1.0.0"));
        Path v2 = Fixtures.echo(dir.resolve("v2.jar"), "2.0.0");
        try (EchoClient client = new EchoClient(context, gate)) {
            PrepareReport prepared = (PrepareReport) run("reload:prepare " + v2);
            assertThat(prepared.ok()).isTrue();
            assertThat(format(prepared)).contains("fromVersion=1.0.0").contains("toVersion=2.0.0");

            DrainStatus drain = (DrainStatus) run("erlmcp_graceful_drain:start 5000");
            assertThat(drain.draining()).isTrue();
            assertThat(drain.inFlight()).isZero();
            assertThat(((DrainStatus) run("erlmcp_graceful_drain:status")).draining()).isTrue();

            ReloadReport finished = (ReloadReport) run("reload:finish");
            assertThat(finished.outcome()).isEqualTo(ReloadReport.Outcome.SWAPPED);
            assertThat(((DrainStatus) run("erlmcp_graceful_drain:status")).draining())
                    .as("finish lets the held requests through").isFalse();
            assertThat(client.call("s")).isEqualTo("v2:s");

            ReloadStatus status = (ReloadStatus) run("reload:status");
            assertThat(status.phase()).isEqualTo(ReloadStatus.Phase.IDLE);
            assertThat(format(status)).contains("SWAPPED").contains(Fixtures.BSN);

            ReloadReport rolledBack = (ReloadReport) run("reload:rollback");
            assertThat(rolledBack.outcome()).isEqualTo(ReloadReport.Outcome.SWAPPED);
            assertThat(client.call("t")).isEqualTo("v1:t");

            assertThat(((DrainStatus) run("erlmcp_graceful_drain:start 0")).draining()).isTrue();
            assertThat(((DrainStatus) run("erlmcp_graceful_drain:stop")).draining()).isFalse();
        }
    }

    @Test
    void badInputFailsWithAMessage() {
        assertThatThrownBy(() -> run("reload:prepare")).hasMessageContaining("usage: reload:prepare");
        assertThatThrownBy(() -> run("reload:prepare /no/such/file.jar"))
                .hasMessageContaining("neither a jar file nor an installed bundle");
        assertThatThrownBy(() -> run("reload:finish")).hasMessageContaining("nothing is prepared");
        assertThatThrownBy(() -> run("erlmcp_graceful_drain:start -5")).hasMessageContaining("0 or more milliseconds");
        assertThatThrownBy(() -> run("reload:rollback no.such.bundle")).hasMessageContaining("no.such.bundle");
    }

    private Object run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            assertThat(result).as(command + " returns data").isNotNull();
            return result;
        }
    }

    private String format(Object result) throws Exception {
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), System.out,
                System.out)) {
            return session.format(result, Converter.INSPECT).toString();
        }
    }
}
