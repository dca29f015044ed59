package io.spanloop.answerer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.spanloop.qa.Precision;

/** The model reload counters (the {@link ModelReloaderMBean} getters) as meters. */
final class ReloadMetrics implements MeterBinder {

    private final ModelReloaderMBean reloads;
    private final Precision precision;

    ReloadMetrics(ModelReloaderMBean reloads, Precision precision) {
        this.reloads = reloads;
        this.precision = precision;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("spanloop.model.served.version", reloads, r -> r.getServedVersion())
                .description("The model version being served")
                .tag("precision", precision.toString())
                .register(registry);
        FunctionCounter.builder(
                        "spanloop.model.versions.loaded", reloads, r -> r.getLoadedVersions())
                .description("Published versions loaded and swapped in")
                .register(registry);
        FunctionCounter.builder(
                        "spanloop.model.versions.refused", reloads, r -> r.getRefusedVersions())
                .description(
                        "Published versions refused (outside the store, missing, corrupt,"
                                + " unloadable)")
                .register(registry);
        FunctionCounter.builder(
                        "spanloop.model.version.events.ignored", reloads, r -> r.getIgnoredEvents())
                .description("Model-version events of other models")
                .register(registry);
        FunctionCounter.builder(
                        "spanloop.model.version.events.unreadable",
                        reloads,
                        r -> r.getUnreadableEvents())
                .description("Records of the model-versions topic that did not deserialise")
                .register(registry);
    }
}
