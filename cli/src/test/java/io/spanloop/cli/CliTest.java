package io.spanloop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.events.Answer;
import io.spanloop.events.ScoredSpan;
import io.spanloop.schemas.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the commands do before they talk to Kafka: help, argument errors, files, formats. */
class CliTest {

    private static CliRun run(String... args) {
        return CliRun.run(TopicNames.DEFAULT, Map.of(), null, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ask", "import", "versions"})
    void shouldPrintEachCommandsHelp(String command) {
        CliRun run = run(command, "--bogus", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .startsWith("usage: spanloop " + command)
                .contains("--bootstrap-servers", "SPANLOOP_REGISTRY_URL", "--help");
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ask --context c                      | --question TEXT is required",
                "ask --question                        | --question needs a value",
                "ask --question --context c            | --question needs a value",
                "ask --question q --bogus 1            | unknown option --bogus",
                "ask --question q -x                   | unknown option -x",
                "ask --question q --context c --id     | --id needs a value",
                "ask --question q --question r --context c | --question is given more than once",
                "ask --question q                      | no context: give --context TEXT",
                "ask --question q --context a --context-file b | not both",
                "ask --question q --context c --timeout soon | --timeout must be a duration",
                "ask --question q --context c --timeout 0 | --timeout must be more than zero",
                "ask --question q --context c extra    | unexpected argument extra",
                "import                                | FILE is required",
                "import a.json b.json                  | one FILE only",
                "versions now                          | unexpected argument now",
                "versions --once=yes                   | --once takes no value",
                "versions --registry-url 127.0.0.1:8081 | must start with http://",
            })
    void shouldRefuseWrongArgumentsWithStatusTwo(String args, String message) {
        CliRun run = run(args.trim().split(" +"));
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(message).contains("--help` lists the options");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldPrintTheDemosHelpForSpanloopItself() {
        for (String[] args : new String[][] {{"--help"}, {"help"}, {"demo", "--help"}}) {
            CliRun run = run(args);
            assertThat(run.status()).as(String.join(" ", args)).isZero();
            assertThat(run.out())
                    .startsWith("usage: spanloop demo")
                    .contains("--auto-label", "spanloop pretrain --help", "versions [--once]")
                    .doesNotContain("--bootstrap-servers");
        }
        assertThat(run("pretrain", "-h").out())
                .startsWith("usage: spanloop pretrain")
                .contains("--init-script");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "demo --kafka-port x                    | --kafka-port needs a port, not 'x'",
                "demo --labeler-port 70000              | --labeler-port needs a port, not '70000'",
                "demo --labels 0 --auto-label           | --labels needs a positive number",
                "demo --metrics-port 65534              | --metrics-port needs three ports",
                "demo --metrics-port 9500 --no-metrics  | --metrics-port and --no-metrics",
                "demo --annotator nobody --model m      | the annotator login is NAME:TOKEN",
                "demo --data                            | --data needs a value",
                "demo serve                             | unexpected argument serve",
                "demo --bootstrap-servers b:1           | unknown option --bootstrap-servers",
                "demo --tiny --model m                  | --tiny and --model DIR: give one of them",
                "demo --tiny                            | --tiny needs the bundled model",
                "pretrain --epochs two                  | --epochs needs a positive number",
                "pretrain --epochs 0                    | --epochs needs a positive number",
                "pretrain --out                         | --out needs a value",
                "pretrain --bogus                       | unknown option --bogus",
                "pretrain --learning-rate -1            | --learning-rate needs a positive number",
                "pretrain --seed x                      | --seed needs a whole number",
            })
    void shouldRefuseWrongDemoArgumentsWithStatusTwo(String args, String message) {
        CliRun run = run(args.trim().split(" +"));
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(message).contains("--help` lists the options");
    }

    @Test
    void shouldReadTheDemosOptionsIntoNamedSettings() {
        CommandLine line =
                CommandLine.parse(
                        List.of(
                                "--data",
                                "d",
                                "--reset",
                                "--kafka-port",
                                "19092",
                                "--labeler-port=18080",
                                "--metrics-port",
                                "19401",
                                "--annotator",
                                "ann:tok",
                                "--model",
                                "m/1",
                                "--auto-label",
                                "--labels",
                                "40",
                                "--label-rate",
                                "2.5",
                                "--minutes",
                                "3",
                                "--once"),
                        new DemoCommand().valueOptions(),
                        new DemoCommand().flags());
        io.spanloop.demo.DemoOptions options = DemoCommand.options(line);
        assertThat(options.stack().dataDir()).isEqualTo(Path.of("d"));
        assertThat(options.stack().kafkaPort()).isEqualTo(19092);
        assertThat(options.stack().controllerPort()).isEqualTo(9093);
        assertThat(options.stack().registryPort()).isEqualTo(8081);
        assertThat(options.labelerUrl()).isEqualTo("http://127.0.0.1:18080/");
        assertThat(options.metricsPorts())
                .isEqualTo(new io.spanloop.demo.DemoOptions.MetricsPorts(19401, 19402, 19403));
        assertThat(options.annotatorName()).isEqualTo("ann");
        assertThat(options.annotatorToken()).isEqualTo("tok");
        assertThat(options.base()).isEqualTo(io.spanloop.demo.DemoBase.given(Path.of("m/1")));
        assertThat(options.reset()).isTrue();
        assertThat(options.once()).isTrue();
        assertThat(options.autoLabel())
                .isEqualTo(
                        io.spanloop.demo.DemoOptions.AutoLabel.of(
                                40, 2.5, java.time.Duration.ofMinutes(3)));
    }

    @Test
    void shouldRunTheRealPretrainedBaseByDefaultWithItsBudget() {
        CommandLine line =
                CommandLine.parse(
                        List.of("--auto-label"),
                        new DemoCommand().valueOptions(),
                        new DemoCommand().flags());
        io.spanloop.demo.DemoOptions options = DemoCommand.options(line);
        assertThat(options.base()).isEqualTo(io.spanloop.demo.DemoBase.miniLm());
        assertThat(options.autoLabel().labels()).isEqualTo(300);
        assertThat(options.stack().dataDir()).isEqualTo(Path.of("data"));
        assertThat(options.labelerUrl()).isEqualTo("http://127.0.0.1:8080/");
        assertThat(options.metricsPorts())
                .isEqualTo(io.spanloop.demo.DemoOptions.MetricsPorts.DEFAULT)
                .isEqualTo(new io.spanloop.demo.DemoOptions.MetricsPorts(9401, 9402, 9403));
        assertThat(
                        DemoCommand.options(
                                        CommandLine.parse(
                                                List.of("--no-metrics"),
                                                new DemoCommand().valueOptions(),
                                                new DemoCommand().flags()))
                                .metricsPorts())
                .isEqualTo(io.spanloop.demo.DemoOptions.MetricsPorts.OFF);
    }

    @Test
    void shouldReadThePretrainOptionsOverTheDefaults() {
        CommandLine line =
                CommandLine.parse(
                        List.of("--out", "o/1", "--examples", "48", "--max-steps", "3"),
                        new PretrainCommand().valueOptions(),
                        new PretrainCommand().flags());
        io.spanloop.demo.pretrain.PretrainOptions options = PretrainCommand.options(line);
        assertThat(options.out()).isEqualTo(Path.of("o/1"));
        assertThat(options.examples()).isEqualTo(48);
        assertThat(options.maxSteps()).isEqualTo(3);
        assertThat(options.init()).isNull();
        assertThat(options.epochs()).isEqualTo(3);
        assertThat(options.learningRate()).isEqualTo(1e-3);
        assertThat(options.seed()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnUnknownCommand() {
        assertThat(Cli.handles("serve")).isFalse();
        CliRun run = run("serve");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("unknown command serve").contains("usage: spanloop demo");
        assertThat(run().err()).contains("unknown command (none)");
    }

    @Test
    void shouldRefuseAnEmptyContextFromStandardInput() {
        CliRun run = CliRun.run(TopicNames.DEFAULT, Map.of(), "\n", "ask", "--question", "q");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("the context is empty");
    }

    @Test
    void shouldGiveEveryKafkaClientTheSettingsOfTheClientConfigFile(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("client.properties");
        java.nio.file.Files.writeString(
                file,
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                        + "bootstrap.servers=ignored:1\n");
        CommandLine flags =
                CommandLine.parse(
                        List.of("--client-config", file.toString()),
                        Connection.OPTIONS,
                        java.util.Set.of());
        Connection connection = Connection.resolve(flags, Map.of());
        for (Map<String, Object> props :
                List.of(connection.producerProps("p"), connection.consumerProps("c"))) {
            assertThat(props)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        }
        CommandLine missing =
                CommandLine.parse(
                        List.of("--client-config", dir.resolve("nope").toString()),
                        Connection.OPTIONS,
                        java.util.Set.of());
        assertThatThrownBy(() -> Connection.resolve(missing, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--client-config")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void shouldGiveTheSerdesTheRegistryCredentialsOfTheEnvironment() {
        CommandLine none = CommandLine.parse(List.of(), Connection.OPTIONS, java.util.Set.of());
        Connection connection =
                Connection.resolve(
                        none,
                        Map.of(
                                Connection.REGISTRY_USER_ENV, "ops",
                                Connection.REGISTRY_PASSWORD_ENV, "s3cret"));
        Map<String, Object> serde = connection.serdes().serializerConfig();
        assertThat(serde)
                .containsEntry("apicurio.registry.auth.username", "ops")
                .containsEntry("apicurio.registry.auth.password", "s3cret");
        assertThat(connection.toString()).contains("ops").doesNotContain("s3cret");
    }

    @Test
    void shouldTakeFlagsOverEnvironmentOverDefaults() {
        Map<String, String> env =
                Map.of(
                        Connection.BOOTSTRAP_ENV, "kafka:19092",
                        Connection.REGISTRY_ENV, "http://registry:8080/apis/registry/v3");
        CommandLine none = CommandLine.parse(List.of(), Connection.OPTIONS, java.util.Set.of());
        assertThat(Connection.resolve(none, Map.of()))
                .isEqualTo(
                        new Connection("127.0.0.1:9092", "http://127.0.0.1:8081/apis/registry/v3"));
        assertThat(Connection.resolve(none, env))
                .isEqualTo(new Connection("kafka:19092", "http://registry:8080/apis/registry/v3"));
        CommandLine flags =
                CommandLine.parse(
                        List.of("--bootstrap-servers=b:1", "--registry-url", "https://r/v3"),
                        Connection.OPTIONS,
                        java.util.Set.of());
        assertThat(Connection.resolve(flags, env)).isEqualTo(new Connection("b:1", "https://r/v3"));
        CliRun blank =
                CliRun.run(
                        TopicNames.DEFAULT,
                        Map.of(Connection.BOOTSTRAP_ENV, " "),
                        null,
                        "versions");
        assertThat(blank.status()).isEqualTo(2);
        assertThat(blank.err()).contains("$SPANLOOP_BOOTSTRAP_SERVERS is empty");
    }

    @Test
    void shouldReadDurationsWithOrWithoutUnit() {
        CommandLine line =
                CommandLine.parse(
                        List.of("--a", "45", "--b", "90s", "--c", "2m", "--d", "500ms"),
                        java.util.Set.of("--a", "--b", "--c", "--d", "--e"),
                        java.util.Set.of());
        assertThat(line.duration("--a", null)).hasSeconds(45);
        assertThat(line.duration("--b", null)).hasSeconds(90);
        assertThat(line.duration("--c", null)).hasMinutes(2);
        assertThat(line.duration("--d", null)).hasMillis(500);
        assertThat(line.duration("--e", java.time.Duration.ofSeconds(7))).hasSeconds(7);
    }

    @Test
    void shouldFailWithStatusOneOnAFileItCannotUse(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"data\": [ {\"para");
        CliRun unparseable = run("import", broken.toString());
        assertThat(unparseable.status()).isEqualTo(1);
        assertThat(unparseable.err()).contains("cannot import " + broken, "not valid JSON");

        Path notSquad = Files.writeString(dir.resolve("list.json"), "[1, 2]");
        assertThat(run("import", notSquad.toString()).err()).contains("is not a JSON object");

        CliRun missing = run("import", dir.resolve("nope.json").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.json: no such file");

        CliRun noContext =
                run("ask", "--question", "q", "--context-file", dir.resolve("ctx.txt").toString());
        assertThat(noContext.status()).isEqualTo(1);
        assertThat(noContext.err()).contains("cannot read the context file", "no such file");
    }

    @Test
    void shouldFormatAnAnswerAndANoAnswer() {
        Answer answer =
                Answer.newBuilder()
                        .setQuestionId("q1")
                        .setQuestion("What color is the sky?")
                        .setContext("The sky is blue.")
                        .setBest(new ScoredSpan(11, 15, "blue", 0.91234))
                        .setNoAnswerScore(0.05)
                        .setModelName("tiny-bert-qa")
                        .setModelVersion(3)
                        .setAnsweredAt(Instant.EPOCH)
                        .setInferenceMicros(10)
                        .build();
        assertThat(AnswerFormat.format(answer).lines())
                .containsExactly(
                        "id:        q1",
                        "question:  What color is the sky?",
                        "answer:    \"blue\"  [11, 15)  score 0.912",
                        "model:     tiny-bert-qa v3");
        answer.setBest(null);
        answer.setNoAnswerScore(0.7);
        assertThat(AnswerFormat.format(answer).lines())
                .contains("answer:    no answer  (no-answer score 0.700)");
    }

    @Test
    void shouldPrintEachSliceOfAVersionUnderIt() {
        io.spanloop.events.ModelVersion version =
                io.spanloop.events.ModelVersion.newBuilder()
                        .setModelName("demo-minilm")
                        .setVersion(4)
                        .setParentVersion(3L)
                        .setUri("")
                        .setSha256("")
                        .setStatus(io.spanloop.events.ModelStatus.REJECTED)
                        .setReason("slice file:demo-known (200 examples): candidate EM 88.0 is")
                        .setMetrics(new io.spanloop.events.EvalMetrics(90.0, 91.0, 89.5, 90.5, 24))
                        .setTrainingExamples(140)
                        .setEpochs(2)
                        .setDevice("cpu")
                        .setTrainingSeconds(28.0)
                        .setCreatedAt(Instant.parse("2026-12-01T10:00:00Z"))
                        .setSlices(
                                List.of(
                                        new io.spanloop.events.SliceMetrics(
                                                "file:demo-known",
                                                new io.spanloop.events.EvalMetrics(
                                                        88.0, 88.5, 93.0, 93.4, 200),
                                                91.9,
                                                true),
                                        new io.spanloop.events.SliceMetrics(
                                                "labels@v2",
                                                new io.spanloop.events.EvalMetrics(
                                                        75.0, 80.0, 66.7, 70.0, 12),
                                                null,
                                                false)))
                        .build();

        List<String> lines = VersionFormat.lines(version);

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("demo-minilm").contains("REJECTED", "slice file:demo");
        assertThat(lines.get(1))
                .isEqualTo(
                        "  slice file:demo-known          cand EM/F1 88.0/88.5    incb EM/F1"
                                + " 93.0/93.4    eval   200  reference EM 91.9");
        assertThat(lines.get(2)).startsWith("  slice labels@v2").endsWith("(too small to gate)");
    }

    @Test
    void shouldDescribeAFailureByItsMessagesWithoutWrapperNoise() {
        Exception refused = new java.net.ConnectException("Connection refused: /127.0.0.1:1");
        Exception wrapped =
                new RuntimeException(
                        new java.util.concurrent.ExecutionException(
                                new IllegalStateException(refused)));
        assertThat(Cli.describe(wrapped)).isEqualTo("Connection refused: /127.0.0.1:1");
        assertThat(Cli.describe(new IllegalStateException("no topic", refused)))
                .isEqualTo("no topic: Connection refused: /127.0.0.1:1");
        assertThat(Cli.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void shouldDropOnlyTrailingLineBreaksOfAReadContext() {
        assertThat(AskCommand.stripLineBreaks("a\nb\r\n\n")).isEqualTo("a\nb");
        assertThat(AskCommand.stripLineBreaks(" a ")).isEqualTo(" a ");
    }
}
