// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The operator's commands, run through Gogo's CommandProcessor as a shell session runs them. */
@ExtendWith(ServiceExtension.class)
class ShellIT {

    @InjectService(timeout = 5000)
    CommandProcessor processor;

    @Test
    void statusReportsVersionBundlesComponentsAndHealth() throws Exception {
        String text = run("erlmcp:status");
        assertThat(text).contains("version").contains("uptime").contains("bundles").contains("components")
                .contains("health");
    }

    @Test
    void vmMetricsReportsHeapThreadsAndGc() throws Exception {
        String text = run("erlmcp:vm_metrics");
        assertThat(text).contains("heap").contains("threads").contains("gc");
    }

    @Test
    void anUnknownCommandFailsWithAMessage() {
        assertThatThrownBy(() -> run("erlmcp:no_such_command")).hasMessageContaining("no_such_command");
    }

    private String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            assertThat(result).as(command + " returns data").isNotNull();
            CharSequence formatted = session.format(result, Converter.INSPECT);
            return (out.toString(StandardCharsets.UTF_8) + formatted).toLowerCase(java.util.Locale.ROOT);
        }
    }
}
