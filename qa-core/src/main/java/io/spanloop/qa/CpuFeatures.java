package io.spanloop.qa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the CPU can do, from the kernel's flags ({@code /proc/cpuinfo}); on a system without that
 * file nothing is known and every optional feature counts as absent.
 *
 * @param flags the first processor's flags; empty when unknown
 * @param source where they came from, for messages
 */
public record CpuFeatures(Set<String> flags, String source) {

    static final Path CPUINFO = Path.of("/proc/cpuinfo");

    public CpuFeatures {
        flags = Set.copyOf(flags);
    }

    /** This machine's CPU. */
    public static CpuFeatures current() {
        try {
            return parse(Files.readString(CPUINFO), CPUINFO.toString());
        } catch (NoSuchFileException e) {
            return new CpuFeatures(Set.of(), "no " + CPUINFO + " on this system");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CPUINFO, e);
        }
    }

    /** The flags of the first {@code flags} line of a cpuinfo text. */
    static CpuFeatures parse(String cpuinfo, String source) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                Set<String> flags =
                        Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                                .filter(f -> !f.isEmpty())
                                .collect(Collectors.toSet());
                return new CpuFeatures(flags, source);
            }
        }
        return new CpuFeatures(Set.of(), "no flags line in " + source);
    }

    /** bfloat16 dot products in hardware: AVX512_BF16 or AMX-BF16. */
    public boolean bfloat16() {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /** What a message says about the CPU. */
    String describe() {
        if (flags.isEmpty()) {
            return "this CPU's features are unknown (" + source + ")";
        }
        return "this CPU has neither (" + source + ")";
    }
}
