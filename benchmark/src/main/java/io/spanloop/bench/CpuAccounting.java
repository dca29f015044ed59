package io.spanloop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the CPU went during a phase, from Linux's {@code /proc}: how busy the whole machine was,
 * and the CPU time of this JVM's threads (native PyTorch workers included) grouped by their
 * 15-character thread name. Empty where {@code /proc} is not available.
 */
final class CpuAccounting {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private final long machineBusy;
    private final long machineTotal;
    private final Map<Long, Task> threads;
    private final Map<Long, Long> children;

    private record Task(String name, long ticks) {}

    /**
     * CPU use over a phase.
     *
     * @param otherCpus CPUs used by processes other than this JVM and its children (NaN unknown)
     * @param jvmCpuSeconds CPU time of this JVM's threads (NaN unknown)
     * @param text the summary for the report (empty when unknown)
     */
    record Usage(double otherCpus, double jvmCpuSeconds, String text) {
        static final Usage UNKNOWN = new Usage(Double.NaN, Double.NaN, "");

        boolean disturbed() {
            return otherCpus > 0.2;
        }
    }

    private CpuAccounting(
            long machineBusy,
            long machineTotal,
            Map<Long, Task> threads,
            Map<Long, Long> children) {
        this.machineBusy = machineBusy;
        this.machineTotal = machineTotal;
        this.threads = threads;
        this.children = children;
    }

    static CpuAccounting snapshot() {
        long busy = -1;
        long total = -1;
        Map<Long, Task> threads = new HashMap<>();
        try {
            String[] cpu = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            total = 0;
            for (int i = 1; i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            // idle + iowait
            busy = total - Long.parseLong(cpu[4]) - Long.parseLong(cpu[5]);
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
                for (Path task : tasks) {
                    try {
                        String name =
                                Files.readString(task.resolve("comm"), StandardCharsets.UTF_8)
                                        .trim();
                        long ticks = ticks(Files.readString(task.resolve("stat")));
                        threads.put(
                                Long.parseLong(task.getFileName().toString()),
                                new Task(name, ticks));
                    } catch (IOException | RuntimeException e) {
                        // the thread ended while we looked
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new CpuAccounting(-1, -1, Map.of(), Map.of());
        }
        Map<Long, Long> children = new HashMap<>();
        ProcessHandle.current()
                .descendants()
                .forEach(
                        child -> {
                            try {
                                children.put(
                                        child.pid(),
                                        ticks(
                                                Files.readString(
                                                        Path.of(
                                                                "/proc/"
                                                                        + child.pid()
                                                                        + "/stat"))));
                            } catch (IOException | RuntimeException e) {
                                // gone
                            }
                        });
        return new CpuAccounting(busy, total, threads, children);
    }

    /** utime + stime of a {@code /proc/.../stat} line (fields 14 and 15). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** CPU seconds this JVM's threads used since {@code before} (NaN when unknown). */
    double jvmCpuSecondsSince(CpuAccounting before) {
        if (machineTotal < 0 || before.machineTotal < 0) {
            return Double.NaN;
        }
        long ticks = 0;
        for (Map.Entry<Long, Task> entry : threads.entrySet()) {
            Task then = before.threads.get(entry.getKey());
            ticks += entry.getValue().ticks() - (then == null ? 0 : then.ticks());
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** How busy the whole machine is over {@code millis} (0..1; negative when unknown). */
    static double machineBusy(long millis) throws InterruptedException {
        CpuAccounting before = snapshot();
        Thread.sleep(millis);
        CpuAccounting after = snapshot();
        if (before.machineTotal < 0 || after.machineTotal <= before.machineTotal) {
            return -1;
        }
        return (double) (after.machineBusy - before.machineBusy)
                / (after.machineTotal - before.machineTotal);
    }

    /**
     * "machine busy 96% of 2 CPUs; other processes 0.05 CPUs, ..., this JVM 1.60: `main` 1.10, ..."
     * for the time since {@code before}; empty when unknown.
     */
    Usage since(CpuAccounting before, double wallSeconds, int top) {
        if (machineTotal < 0 || before.machineTotal < 0 || wallSeconds <= 0) {
            return Usage.UNKNOWN;
        }
        Map<String, Long> byName = new HashMap<>();
        long jvm = 0;
        for (Map.Entry<Long, Task> entry : threads.entrySet()) {
            Task then = before.threads.get(entry.getKey());
            long used = entry.getValue().ticks() - (then == null ? 0 : then.ticks());
            byName.merge(entry.getValue().name(), used, Long::sum);
            jvm += used;
        }
        long childTicks = 0;
        for (Map.Entry<Long, Long> child : children.entrySet()) {
            childTicks += child.getValue() - before.children.getOrDefault(child.getKey(), 0L);
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byName.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        int cpus = Runtime.getRuntime().availableProcessors();
        double busyShare =
                (double) (machineBusy - before.machineBusy) / (machineTotal - before.machineTotal);
        double children = childTicks / TICKS_PER_SECOND / wallSeconds;
        double ownJvm = jvm / TICKS_PER_SECOND / wallSeconds;
        double others = Math.max(0, busyShare * cpus - children - ownJvm);
        StringBuilder text =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "machine busy %.0f%% of %d CPUs; other processes %.2f CPUs,"
                                        + " child processes (the registry) %.2f, this JVM %.2f:",
                                100 * busyShare,
                                cpus,
                                others,
                                children,
                                ownJvm));
        for (int i = 0; i < Math.min(top, sorted.size()); i++) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "%s `%s` %.2f",
                            i == 0 ? "" : ",",
                            sorted.get(i).getKey(),
                            sorted.get(i).getValue() / TICKS_PER_SECOND / wallSeconds));
        }
        return new Usage(others, jvm / TICKS_PER_SECOND, text.toString());
    }
}
