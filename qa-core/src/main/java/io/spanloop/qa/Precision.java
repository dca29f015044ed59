package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Locale;

/**
 * The number format a model's encoder computes in when it serves. {@code fp32} is the default and
 * what every model is trained and evaluated in; {@code bf16} (opt-in, CPU only) casts the encoder's
 * parameters to bfloat16 when a version is loaded: half the memory, and on a CPU with bfloat16
 * instructions (AVX512_BF16 or AMX) 1.7 times the speed on all-MiniLM-L6-v2, at the cost of logits
 * that differ in the second or third digit. The QA head and the logits stay float32.
 */
public enum Precision {
    FP32("fp32"),
    BF16("bf16");

    /** The accepted values, for a setting's documentation. */
    public static final String CHOICES =
            "fp32, or bf16: the encoder in bfloat16 on a CPU that has bfloat16 instructions"
                    + " (AVX512_BF16 or AMX), 1.7x as fast on all-MiniLM-L6-v2; the QA head and"
                    + " logits stay fp32. Needs a model that has a use_bfloat16 method (every"
                    + " model spanloop imports or makes, and every version trained from one).";

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
     * Makes a just-loaded TorchScript model compute in this precision: for bf16, casts its encoder
     * through the module's exported {@value #BFLOAT16_METHOD} method (DJL's PyTorch engine has no
     * bfloat16 arrays, so the cast happens inside the module, and its outputs stay float32).
     *
     * @throws IllegalArgumentException when the model cannot: bf16 on a GPU, or a module without
     *     the method
     */
    public void prepare(Model model, Device device) {
        if (this == FP32) {
            return;
        }
        if (!Device.Type.CPU.equals(device.getDeviceType())) {
            throw new IllegalArgumentException(
                    "bf16 inference is a CPU mode; this model would run on " + device);
        }
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        if (!Arrays.asList(JniUtils.getMethodNames(block)).contains(BFLOAT16_METHOD)) {
            throw new IllegalArgumentException(
                    "its model.pt has no "
                            + BFLOAT16_METHOD
                            + " method, so it cannot run in bf16 (every model spanloop imports"
                            + " or makes now has it, and so does every version trained from one;"
                            + " re-import or re-make the model, or use fp32)");
        }
        try (IValue ignored = IValueUtils.runMethod(block, BFLOAT16_METHOD)) {
            // the module's encoder parameters are bfloat16 from now on
        }
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
