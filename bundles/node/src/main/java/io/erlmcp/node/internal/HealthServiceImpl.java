// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthReport;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthService;
import io.erlmcp.health.HealthStatus;
import io.erlmcp.node.NodeInfo;

/**
 * Runs every {@link HealthCheck} service with a per-check time limit, so that one hung check turns that check
 * unhealthy instead of hanging {@code /health}. A check still running from an earlier call is waited on again
 * rather than started twice, so a check that never returns holds one thread, not one per request.
 */
@Component(service = HealthService.class, configurationPid = HealthServiceImpl.PID)
@Designate(ocd = HealthServiceImpl.Config.class)
public final class HealthServiceImpl implements HealthService {

    static final String PID = "io.erlmcp.health";

    @ObjectClassDefinition(name = "erlmcp health service", description = "Runs the registered health checks")
    public @interface Config {
        long DEFAULT_CHECK_TIMEOUT_MILLIS = 2000;

        @AttributeDefinition(name = "Check time limit",
                description = "Milliseconds one check may take before it counts as unhealthy")
        long check_timeout_millis() default DEFAULT_CHECK_TIMEOUT_MILLIS;
    }

    /** Upper bound of threads running checks; beyond it a check is reported as backed up. */
    static final int MAX_THREADS = 32;

    private final NodeInfo node;
    private final long timeoutMillis;
    private final ThreadPoolExecutor executor;
    private final Map<HealthCheck, Future<HealthResult>> running = new ConcurrentHashMap<>();

    /** Every check with its service properties; DS replaces the whole list when checks come and go. */
    @Reference(service = HealthCheck.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Map.Entry<Map<String, Object>, HealthCheck>> checks = List.of();

    @Activate
    public HealthServiceImpl(@Reference NodeInfo node, Config config) {
        this(node, config.check_timeout_millis());
    }

    HealthServiceImpl(NodeInfo node, long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException(PID + " check.timeout.millis must be positive, not " + timeoutMillis);
        }
        this.node = node;
        this.timeoutMillis = timeoutMillis;
        AtomicInteger count = new AtomicInteger();
        // No queue: a check either gets a thread now or is reported as backed up; idle threads die after 30 s.
        this.executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "erlmcp-health-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    static String nameOf(Map<String, Object> properties) {
        Object name = properties.get(HealthCheck.NAME);
        if (name instanceof String text && !text.isBlank()) {
            return text;
        }
        Object component = properties.get("component.name");
        if (component instanceof String text) {
            return text;
        }
        return "service-" + properties.get(Constants.SERVICE_ID);
    }

    /** One check started for a report. */
    private record Run(String name, Future<HealthResult> result) {
    }

    @Override
    public HealthReport report() {
        List<Run> runs = new ArrayList<>();
        for (Map.Entry<Map<String, Object>, HealthCheck> entry : checks) {
            runs.add(new Run(nameOf(entry.getKey()), start(entry.getValue())));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Map<String, HealthResult> results = new LinkedHashMap<>();
        HealthStatus overall = HealthStatus.HEALTHY;
        for (Run run : runs) {
            HealthResult result = await(run.result(), deadline);
            // Two checks under one name: the worse result is reported.
            results.merge(run.name(), result, HealthServiceImpl::worse);
            overall = overall.worst(result.status());
        }
        return new HealthReport(overall, node.version(), node.uptime().toSeconds(), results);
    }

    @Override
    public Optional<HealthResult> check(String name) {
        List<Future<HealthResult>> started = new ArrayList<>();
        for (Map.Entry<Map<String, Object>, HealthCheck> entry : checks) {
            if (nameOf(entry.getKey()).equals(name)) {
                started.add(start(entry.getValue()));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        HealthResult combined = null;
        for (Future<HealthResult> future : started) {
            HealthResult result = await(future, deadline);
            combined = combined == null ? result : worse(combined, result);
        }
        return Optional.ofNullable(combined);
    }

    /** @return the run of {@code check} still in progress from an earlier call, or a new one */
    private Future<HealthResult> start(HealthCheck check) {
        Future<HealthResult> previous = running.get(check);
        if (previous != null && !previous.isDone()) {
            return previous;
        }
        CompletableFuture<HealthResult> next = new CompletableFuture<>();
        running.put(check, next);
        try {
            executor.execute(() -> {
                try {
                    next.complete(check.check());
                } catch (Throwable failure) {
                    next.completeExceptionally(failure);
                } finally {
                    running.remove(check, next);
                }
            });
            return next;
        } catch (RejectedExecutionException busy) {
            running.remove(check, next);
            return CompletableFuture.completedFuture(HealthResult.unhealthy(
                    "not run: " + MAX_THREADS + " health checks are already running or the service is stopping"));
        }
    }

    private HealthResult await(Future<HealthResult> future, long deadline) {
        try {
            HealthResult result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return result == null ? HealthResult.unhealthy("the check returned no result") : result;
        } catch (TimeoutException slow) {
            return HealthResult.unhealthy("the check did not answer within " + timeoutMillis + " ms");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getName()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return HealthResult.unhealthy("the check failed: " + message);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return HealthResult.unhealthy("interrupted while waiting for the check");
        }
    }

    private static HealthResult worse(HealthResult a, HealthResult b) {
        return b.status().ordinal() > a.status().ordinal() ? b : a;
    }
}
