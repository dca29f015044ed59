package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where a model runs: {@code auto} (a CUDA GPU when the engine sees one, else the CPU), {@code cpu}
 * or {@code gpu:N}.
 */
public record DeviceSpec(String spec) {

    public static final DeviceSpec AUTO = new DeviceSpec("auto");
    public static final DeviceSpec CPU = new DeviceSpec("cpu");

    /** The accepted values, for a setting's documentation. */
    public static final String CHOICES =
            "auto (a CUDA GPU when the engine sees one), cpu, or gpu:N.";

    public DeviceSpec {
        spec = spec.trim().toLowerCase(Locale.ROOT);
        if (!spec.equals("auto") && !spec.equals("cpu") && !spec.matches("gpu(:\\d+)?")) {
            throw new IllegalArgumentException(
                    "device must be auto, cpu or gpu:N, was '" + spec + "'");
        }
    }

    public static DeviceSpec parse(String spec) {
        return new DeviceSpec(spec);
    }

    /** The DJL device (starts the engine). */
    public Device resolve(Engine engine) {
        if (spec.equals("auto")) {
            return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        }
        if (spec.equals("cpu")) {
            return Device.cpu();
        }
        int index = spec.contains(":") ? Integer.parseInt(spec.substring(4)) : 0;
        if (index >= engine.getGpuCount()) {
            throw new IllegalArgumentException(
                    "device "
                            + spec
                            + " asked for, but the engine sees "
                            + engine.getGpuCount()
                            + " GPU(s)");
        }
        return Device.gpu(index);
    }

    @Override
    public String toString() {
        return spec;
    }
}
