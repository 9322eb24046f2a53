// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class VmMetricsTest {

    @Test
    @SuppressWarnings("unchecked")
    void reportsHeapThreadsGcAndCpu() {
        Map<String, Object> metrics = VmMetrics.snapshot();
        assertThat(metrics).containsKeys("heap", "non_heap", "threads", "gc", "cpu", "uptime_ms");
        Map<String, Object> heap = (Map<String, Object>) metrics.get("heap");
        assertThat((Long) heap.get("used_bytes")).isPositive();
        assertThat((Long) metrics.get("memory_used_bytes")).isGreaterThan((Long) heap.get("used_bytes"));
        Map<String, Object> threads = (Map<String, Object>) metrics.get("threads");
        assertThat((Integer) threads.get("count")).isGreaterThanOrEqualTo(Thread.activeCount() > 0 ? 1 : 0);
        assertThat((Map<String, Object>) metrics.get("gc")).isNotEmpty();
        Map<String, Object> cpu = (Map<String, Object>) metrics.get("cpu");
        assertThat((Integer) cpu.get("available_processors")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(cpu).containsKeys("system_load_average", "process_cpu_load", "system_cpu_load");
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            Map<String, Object> files = (Map<String, Object>) metrics.get("file_descriptors");
            assertThat((Long) files.get("open")).isPositive();
        }
    }
}
