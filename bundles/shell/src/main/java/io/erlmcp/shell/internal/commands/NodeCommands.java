// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.erlmcp.health.HealthReport;
import io.erlmcp.health.HealthResult;
import io.erlmcp.health.HealthService;
import io.erlmcp.node.NodeInfo;

/**
 * {@code erlmcp:status}, {@code erlmcp:health} and {@code erlmcp:vm_metrics}: the runbook's
 * {@code erlmcp:status()} and {@code erlmcp:vm_metrics()}, and {@code erlmcp:garbage_collect} for the runbook's
 * {@code erlang:garbage_collect()}. Each returns data; Gogo formats it.
 */
@Component(service = NodeCommands.class, property = {
        "osgi.command.scope=erlmcp",
        "osgi.command.function=status",
        "osgi.command.function=health",
        "osgi.command.function=vm_metrics",
        "osgi.command.function=garbage_collect" })
public final class NodeCommands {

    private final BundleContext context;
    private final NodeInfo node;
    private final HealthService health;
    private final ServiceComponentRuntime scr;

    @Activate
    public NodeCommands(BundleContext context, @Reference NodeInfo node, @Reference HealthService health,
            @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.node = node;
        this.health = health;
        this.scr = scr;
    }

    @Descriptor("node name, version, uptime, bundles, components and health")
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("node", node.name());
        status.put("version", node.version());
        status.put("uptime_seconds", node.uptime().toSeconds());
        status.put("instance", node.instanceDir().toString());
        status.put("bundles", bundles());
        status.put("components", components());
        HealthReport report = health.report();
        Map<String, Object> checks = new LinkedHashMap<>();
        report.checks().forEach((name, result) -> checks.put(name, result.status().wireName()));
        Map<String, Object> healthSummary = new LinkedHashMap<>();
        healthSummary.put("status", report.status().wireName());
        healthSummary.put("checks", checks);
        status.put("health", healthSummary);
        return status;
    }

    @Descriptor("the node's health as GET /health shows it: overall status, version, uptime and every check")
    public Map<String, Object> health() {
        HealthReport report = health.report();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", report.status().wireName());
        out.put("version", report.version());
        out.put("uptime_seconds", report.uptimeSeconds());
        Map<String, Object> checks = new LinkedHashMap<>();
        report.checks().forEach((name, result) -> checks.put(name, render(result)));
        out.put("checks", checks);
        return out;
    }

    @Descriptor("one health check, as GET /health/<name> shows it")
    public Map<String, Object> health(@Descriptor("the check's name, for example framework or components") String name) {
        HealthResult result = health.check(name).orElseThrow(() -> new IllegalArgumentException(
                "no health check named '" + name + "'; erlmcp:health lists them"));
        return render(result);
    }

    private static Map<String, Object> render(HealthResult result) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("status", result.status().wireName());
        if (result.message() != null) {
            one.put("message", result.message());
        }
        result.details().forEach(one::putIfAbsent);
        return one;
    }

    @Descriptor("JVM memory, threads, garbage collection, CPU and file descriptors (the runbook's VM metrics)")
    public Map<String, Object> vm_metrics() {
        return VmMetrics.snapshot();
    }

    @Descriptor("runs a full garbage collection and reports the live heap before and after (erlang:garbage_collect())")
    public Map<String, Object> garbage_collect() {
        return VmMetrics.collect();
    }

    Map<String, Object> bundles() {
        int total = 0;
        int active = 0;
        int fragments = 0;
        for (Bundle bundle : context.getBundles()) {
            total++;
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
                fragments++;
            } else if (bundle.getState() == Bundle.ACTIVE) {
                active++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", active);
        out.put("total", total - fragments);
        if (fragments > 0) {
            out.put("fragments", fragments);
        }
        return out;
    }

    /**
     * Enabled component configurations, satisfied (or active) against all; a component that waits for a
     * configuration it requires (a transport nobody configured) is counted apart, not as unsatisfied.
     */
    Map<String, Object> components() {
        int total = 0;
        int satisfied = 0;
        int disabled = 0;
        int waitingForConfiguration = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!scr.isComponentEnabled(description)) {
                disabled++;
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                    waitingForConfiguration++;
                    continue;
                }
                total++;
                if (configuration.state == ComponentConfigurationDTO.ACTIVE
                        || configuration.state == ComponentConfigurationDTO.SATISFIED) {
                    satisfied++;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("satisfied", satisfied);
        out.put("total", total);
        if (disabled > 0) {
            out.put("disabled", disabled);
        }
        if (waitingForConfiguration > 0) {
            out.put("waiting_for_configuration", waitingForConfiguration);
        }
        return out;
    }
}
