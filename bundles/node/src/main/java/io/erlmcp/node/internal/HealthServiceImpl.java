// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
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
 * unhealthy instead of hanging {@code /health}.
 */
@Component(service = HealthService.class)
@Designate(ocd = HealthServiceImpl.Config.class)
public final class HealthServiceImpl implements HealthService {

    @ObjectClassDefinition(name = "erlmcp health service")
    public @interface Config {
        long DEFAULT_CHECK_TIMEOUT_MILLIS = 2000;

        @AttributeDefinition(name = "Check time limit", description = "Milliseconds one check may take before it counts as unhealthy")
        long check_timeout_millis() default DEFAULT_CHECK_TIMEOUT_MILLIS;
    }

    /** A registered check and the name it is reported under. */
    record Named(String name, HealthCheck check) {
    }

    private final NodeInfo node;
    private final long timeoutMillis;
    private final ExecutorService executor;
    private final List<Named> checks = new CopyOnWriteArrayList<>();

    @Activate
    public HealthServiceImpl(@Reference NodeInfo node, Config config) {
        this(node, config.check_timeout_millis());
    }

    HealthServiceImpl(NodeInfo node, long timeoutMillis) {
        this.node = node;
        this.timeoutMillis = timeoutMillis;
        AtomicInteger count = new AtomicInteger();
        // Bounded: a storm of /health requests queues rather than spawning threads; hung checks are abandoned.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                r -> {
                    Thread thread = new Thread(r, "erlmcp-health-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addCheck(HealthCheck check, Map<String, Object> properties) {
        checks.add(new Named(nameOf(properties), check));
    }

    void removeCheck(HealthCheck check) {
        checks.removeIf(named -> named.check() == check);
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

    @Override
    public HealthReport report() {
        List<Named> current = List.copyOf(checks);
        Map<String, Future<HealthResult>> running = new LinkedHashMap<>();
        for (Named named : current) {
            running.put(named.name(), submit(named.check()));
        }
        Map<String, HealthResult> results = new LinkedHashMap<>();
        HealthStatus overall = HealthStatus.HEALTHY;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Map.Entry<String, Future<HealthResult>> entry : running.entrySet()) {
            HealthResult result = await(entry.getValue(), Math.max(0, deadline - System.nanoTime()));
            results.merge(entry.getKey(), result, HealthServiceImpl::worse);
            overall = overall.worst(result.status());
        }
        return new HealthReport(overall, node.version(), node.uptime().toSeconds(), results);
    }

    @Override
    public Optional<HealthResult> check(String name) {
        HealthResult combined = null;
        for (Named named : List.copyOf(checks)) {
            if (named.name().equals(name)) {
                HealthResult result = await(submit(named.check()), TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
                combined = combined == null ? result : worse(combined, result);
            }
        }
        return Optional.ofNullable(combined);
    }

    private Future<HealthResult> submit(HealthCheck check) {
        try {
            return executor.submit(check::check);
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    HealthResult.unhealthy("health checks are backed up: " + busy.getMessage()));
        }
    }

    private static HealthResult await(Future<HealthResult> future, long nanos) {
        try {
            HealthResult result = future.get(nanos, TimeUnit.NANOSECONDS);
            return result == null ? HealthResult.unhealthy("the check returned no result") : result;
        } catch (TimeoutException slow) {
            future.cancel(true);
            return HealthResult.unhealthy("the check did not answer in time");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            return HealthResult.unhealthy("the check failed: " + cause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return HealthResult.unhealthy("interrupted while waiting for the check");
        }
    }

    private static HealthResult worse(HealthResult a, HealthResult b) {
        return b.status().ordinal() > a.status().ordinal() ? b : a;
    }
}
