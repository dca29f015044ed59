package io.spanloop.qa;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the {@code training} flag of every module of a TorchScript file without PyTorch: the
 * archive's {@code data.pkl} pickles each module's attributes, the key {@code training} once as a
 * memoised string and then by memo reference, each followed by NEWTRUE or NEWFALSE.
 */
final class TorchScriptFlags {

    private static final byte NEWTRUE = (byte) 0x88;
    private static final byte NEWFALSE = (byte) 0x89;
    private static final byte BINPUT = 'q';
    private static final byte BINGET = 'h';

    private TorchScriptFlags() {}

    static List<Boolean> training(Path modelFile) throws IOException {
        byte[] pickle = dataPickle(modelFile);
        // BINUNICODE: 'X', a 4-byte little-endian length, the UTF-8 bytes
        byte[] name = "training".getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[5 + name.length];
        key[0] = 'X';
        key[1] = (byte) name.length;
        System.arraycopy(name, 0, key, 5, name.length);
        int at = indexOf(pickle, key, 0);
        if (at < 0 || pickle[at + key.length] != BINPUT) {
            throw new IllegalStateException("no memoised 'training' key in " + modelFile);
        }
        byte memo = pickle[at + key.length + 1];
        List<Boolean> flags = new ArrayList<>();
        flags.add(flag(pickle[at + key.length + 2]));
        byte[] reference = {BINGET, memo};
        for (int i = indexOf(pickle, reference, 0); i >= 0; i = indexOf(pickle, reference, i + 2)) {
            flags.add(flag(pickle[i + 2]));
        }
        return flags;
    }

    private static boolean flag(byte value) {
        if (value != NEWTRUE && value != NEWFALSE) {
            throw new IllegalStateException("'training' is not followed by a boolean: " + value);
        }
        return value == NEWTRUE;
    }

    private static byte[] dataPickle(Path modelFile) throws IOException {
        try (ZipFile zip = new ZipFile(modelFile.toFile())) {
            ZipEntry entry =
                    zip.stream()
                            .filter(e -> e.getName().endsWith("/data.pkl"))
                            .findFirst()
                            .orElseThrow(() -> new IOException("no data.pkl in " + modelFile));
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
