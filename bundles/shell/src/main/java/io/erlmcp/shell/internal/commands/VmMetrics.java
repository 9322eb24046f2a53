// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's counterparts of the runbook's {@code erlang:memory()}, {@code process_count} and {@code run_queue}:
 * heap and non-heap memory, direct buffers, threads, collectors, CPU load and file descriptors.
 */
final class VmMetrics {

    private VmMetrics() {
    }

    static Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        out.put("heap", usage(memory.getHeapMemoryUsage()));
        out.put("non_heap", usage(memory.getNonHeapMemoryUsage()));
        Map<String, Object> buffers = new LinkedHashMap<>();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            buffers.put(pool.getName(), Map.of("count", pool.getCount(), "used_bytes", pool.getMemoryUsed(),
                    "capacity_bytes", pool.getTotalCapacity()));
        }
        out.put("buffers", buffers);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Object> threadInfo = new LinkedHashMap<>();
        threadInfo.put("count", threads.getThreadCount());
        threadInfo.put("peak", threads.getPeakThreadCount());
        threadInfo.put("daemon", threads.getDaemonThreadCount());
        threadInfo.put("started_total", threads.getTotalStartedThreadCount());
        out.put("threads", threadInfo);

        Map<String, Object> gc = new LinkedHashMap<>();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc.put(collector.getName(), Map.of("collections", collector.getCollectionCount(), "time_ms",
                    collector.getCollectionTime()));
        }
        out.put("gc", gc);

        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("available_processors", os.getAvailableProcessors());
        cpu.put("system_load_average", os.getSystemLoadAverage());
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            cpu.put("process_cpu_load", sun.getProcessCpuLoad());
            cpu.put("system_cpu_load", sun.getCpuLoad());
            cpu.put("process_cpu_time_ms", sun.getProcessCpuTime() / 1_000_000);
            out.put("physical_memory", Map.of("total_bytes", sun.getTotalMemorySize(), "free_bytes",
                    sun.getFreeMemorySize()));
        }
        out.put("cpu", cpu);
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            out.put("file_descriptors", Map.of("open", unix.getOpenFileDescriptorCount(), "max",
                    unix.getMaxFileDescriptorCount()));
        }
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        out.put("uptime_ms", runtime.getUptime());
        out.put("jvm", runtime.getVmName() + " " + runtime.getVmVersion());
        return out;
    }

    private static Map<String, Object> usage(MemoryUsage usage) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used_bytes", usage.getUsed());
        out.put("committed_bytes", usage.getCommitted());
        out.put("max_bytes", usage.getMax());
        return out;
    }
}
