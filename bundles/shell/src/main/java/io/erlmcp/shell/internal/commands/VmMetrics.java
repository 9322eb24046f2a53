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
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        // erlang:memory(total): what the VM uses for the heap and everything else it manages.
        out.put("memory_used_bytes", heap.getUsed() + nonHeap.getUsed());
        out.put("heap", usage(heap));
        out.put("non_heap", usage(nonHeap));
        Map<String, Object> buffers = new LinkedHashMap<>();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("count", pool.getCount());
            one.put("used_bytes", pool.getMemoryUsed());
            one.put("capacity_bytes", pool.getTotalCapacity());
            buffers.put(pool.getName(), one);
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
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("collections", collector.getCollectionCount());
            one.put("time_ms", collector.getCollectionTime());
            gc.put(collector.getName(), one);
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
            Map<String, Object> physical = new LinkedHashMap<>();
            physical.put("total_bytes", sun.getTotalMemorySize());
            physical.put("free_bytes", sun.getFreeMemorySize());
            out.put("physical_memory", physical);
        }
        out.put("cpu", cpu);
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            Map<String, Object> files = new LinkedHashMap<>();
            files.put("open", unix.getOpenFileDescriptorCount());
            files.put("max", unix.getMaxFileDescriptorCount());
            out.put("file_descriptors", files);
        }
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        out.put("uptime_ms", runtime.getUptime());
        out.put("jvm", runtime.getVmName() + " " + runtime.getVmVersion());
        return out;
    }

    /**
     * A full collection, repeated until the used heap stops shrinking (at most five rounds), so that what is left
     * is the live heap: the figure the memory benchmarks divide by the number of idle sessions.
     */
    static Map<String, Object> collect() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = memory.getHeapMemoryUsage().getUsed();
        long started = System.nanoTime();
        long previous = Long.MAX_VALUE;
        long after = before;
        for (int round = 0; round < 5; round++) {
            memory.gc();
            after = memory.getHeapMemoryUsage().getUsed();
            if (after >= previous - previous / 100) {
                break;
            }
            previous = after;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heap_used_before_bytes", before);
        out.put("heap_used_after_bytes", after);
        out.put("freed_bytes", Math.max(0, before - after));
        out.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        out.put("took_ms", (System.nanoTime() - started) / 1_000_000);
        return out;
    }

    private static Map<String, Object> usage(MemoryUsage usage) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used_bytes", usage.getUsed());
        out.put("committed_bytes", usage.getCommitted());
        out.put("max_bytes", usage.getMax());
        if (usage.getMax() > 0) {
            // The runbook's memory alert: warning above 80 %, critical above 90 %.
            out.put("used_percent", Math.round(usage.getUsed() * 1000.0 / usage.getMax()) / 10.0);
        }
        return out;
    }
}
