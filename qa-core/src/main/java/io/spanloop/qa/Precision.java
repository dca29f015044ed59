package io.spanloop.qa;

import java.util.Locale;

/**
 * The number format a model's encoder computes in when it serves. {@code fp32} is the default and
 * what every model is trained and evaluated in; {@code bf16} (opt-in, CPU only) casts the encoder's
 * parameters to bfloat16 when a version is loaded: half the memory, and on a CPU with bfloat16
 * instructions (AVX512_BF16 or AMX) about twice the speed, at the cost of logits that differ in the
 * second or third digit. The QA head and the logits stay float32.
 */
public enum Precision {
    FP32("fp32"),
    BF16("bf16");

    /** The accepted values, for a setting's documentation. */
    public static final String CHOICES =
            "fp32, or bf16: the encoder in bfloat16 on a CPU that has bfloat16 instructions"
                    + " (AVX512_BF16 or AMX), about twice as fast; the QA head and logits stay"
                    + " fp32. Needs a model that has a use_bfloat16 method (every model spanloop"
                    + " imports or makes, and every version trained from one).";

    /** The exported TorchScript method that casts a loaded model's encoder to bfloat16. */
    static final String BFLOAT16_METHOD = "use_bfloat16";

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    public static Precision parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.label.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be fp32 or bf16, was '" + value + "'");
    }

    /**
     * Refuses a precision this machine's CPU cannot run fast: bf16 without bfloat16 instructions
     * would run emulated, slower than fp32.
     *
     * @throws IllegalArgumentException with the reason
     */
    public void requireSupportedBy(CpuFeatures cpu) {
        if (this == BF16 && !cpu.bfloat16()) {
            throw new IllegalArgumentException(
                    "bf16 needs a CPU with bfloat16 instructions (AVX512_BF16 or AMX-BF16); "
                            + cpu.describe()
                            + "; use fp32");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
