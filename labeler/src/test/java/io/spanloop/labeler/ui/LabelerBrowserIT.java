package io.spanloop.labeler.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ScoredSpan;
import io.spanloop.events.Span;
import io.spanloop.events.TokenScores;
import io.spanloop.events.Verdict;
import io.spanloop.labeler.Labeler;
import io.spanloop.labeler.LabelerConfig;
import io.spanloop.schemas.ProbabilityBytes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The labeler's page in a real (headless) Chromium against a real labeler, broker and registry: a
 * person signs in, corrects a span that follows an emoji and line breaks with the keyboard, accepts
 * and rejects others, undoes a verdict; the corrections on the feedback topic carry exactly the
 * UTF-16 offsets of the original context. Untrusted contexts show as text.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
@EnabledIf(
        value = "io.spanloop.labeler.ui.HeadlessChromium#installed",
        disabledReason = "needs /usr/bin/chromium and /usr/bin/chromedriver")
class LabelerBrowserIT {

    private static final String ANNOTATOR = "alice";
    private static final String TOKEN = "alice-br0wser-token";
    private static final String VIEWER = "bob";
    private static final String VIEWER_TOKEN = "bob-br0wser-token";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static HeadlessChromium chromium;

    private final KafkaEnvironment env;
    private Topics topics;
    private Labeler labeler;
    private WebDriver driver;

    LabelerBrowserIT(KafkaEnvironment env) {
        this.env = env;
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void startLabeler(@TempDir Path stateDir) {
        TopicNames names = env.createTopics(env.newTopicNames(), 2);
        topics = env.topics(names);
        Map<String, Object> config = new HashMap<>();
        config.put(LabelerConfig.BOOTSTRAP_SERVERS, env.bootstrapServers());
        config.put(LabelerConfig.REGISTRY_URL, env.registryUrl());
        config.put(LabelerConfig.APPLICATION_ID, "labeler-ui-" + UUID.randomUUID());
        config.put(LabelerConfig.STATE_DIR, stateDir.toString());
        config.put(LabelerConfig.HTTP_HOST, "127.0.0.1");
        config.put(LabelerConfig.HTTP_PORT, 0);
        config.put(LabelerConfig.METRICS_PORT, 0);
        config.putAll(ServiceConfigs.topicSettings(LabelerConfig.DEFINITION, names));
        config.put(
                LabelerConfig.ANNOTATORS,
                ANNOTATOR + ":" + TOKEN + "," + VIEWER + ":" + VIEWER_TOKEN);
        config.put(LabelerConfig.ADMINS, ANNOTATOR);
        labeler = Labeler.start(new LabelerConfig(config));
        driver = chromium.driver();
        driver.manage().deleteAllCookies(); // cookies ignore ports: forget the last labeler's
    }

    @AfterEach
    void stopLabeler() {
        if (labeler != null) {
            labeler.close();
        }
    }

    @Test
    void shouldRecordKeyboardVerdictsWithExactUtf16Offsets() throws Exception {
        // Given: the model got the emoji-and-newlines item wrong; two more items after it
        String emojiContext =
                "Launch party 🎉 tonight!\r\nThe guest of honour:\nZoë Ångström 😀 arrives at nine.";
        String target = "Zoë Ångström";
        int targetStart = emojiContext.indexOf(target);
        int targetEnd = targetStart + target.length();
        // UTF-16 offsets differ from code-point offsets here: the test catches a missed conversion
        assertThat(emojiContext.codePointCount(0, targetStart)).isLessThan(targetStart);
        int nine = emojiContext.indexOf("nine");
        int tonight = emojiContext.indexOf("tonight");
        String acceptContext = "The Eiffel Tower is in Paris, France.";
        String noneContext = "Bananas are yellow when ripe.\nThey grow in bunches.";
        produceAnswers(
                List.of(
                        answer(
                                "q-emoji",
                                "Who is the guest of honour?",
                                emojiContext,
                                span(emojiContext, nine, nine + 4, 0.10),
                                span(emojiContext, tonight, tonight + 7, 0.05)),
                        answer(
                                "q-accept",
                                "Where is the Eiffel Tower?",
                                acceptContext,
                                span(acceptContext, 23, 28, 0.30)),
                        answer(
                                "q-none",
                                "Who wrote Hamlet?",
                                noneContext,
                                span(noneContext, 0, 7, 0.50))));
        awaitQueueTotal(3);

        // When: alice signs in
        signIn();
        awaitItem("q-emoji");
        assertThat(text("question")).isEqualTo("Who is the guest of honour?");
        assertThat(contextText())
                .as("the context, code unit for code unit (CRLF included)")
                .isEqualTo(emojiContext);
        assertThat(text("sel-text"))
                .isEqualTo("nine"); // the selection starts at the model's answer
        assertThat(driver.findElement(By.id("heat-legend")).isDisplayed())
                .as("no token scores, no heat map")
                .isFalse();
        assertThat(js("return document.querySelectorAll('#context .tok').length")).isEqualTo(0L);

        // and selects "Zoë Ångström" with the keyboard: start 5 words left, end 4 words left
        keys("[[[[[{{{{");
        await(() -> text("sel-text").equals(target), "keyboard selection of " + target);
        assertThat(text("sel-range")).isEqualTo("[" + targetStart + ", " + targetEnd + ")");
        saveScreenshot("labeler.png");

        // and submits it with Enter, then accepts and rejects the next ones with a and n
        keys(Keys.ENTER);
        awaitConfirmation("q-emoji", "CORRECTED");
        awaitItem("q-accept");
        keys("a");
        awaitConfirmation("q-accept", "ACCEPTED");
        awaitItem("q-none");
        keys("n");
        awaitConfirmation("q-none", "NO_ANSWER");
        await(() -> driver.findElement(By.id("empty")).isDisplayed(), "the empty queue view");

        // and changes her mind: u reopens q-none, she selects "Bananas are yellow" with the mouse
        keys("u");
        awaitItem("q-none");
        await(() -> text("reviewed").contains("No answer"), "the previous verdict shown");
        selectWithDomRange(0, "Bananas are yellow".length());
        await(() -> text("sel-text").equals("Bananas are yellow"), "mouse selection");
        keys("c");
        awaitConfirmation("q-none", "CORRECTED");

        // Then: the feedback topic holds each verdict with exact offsets, the latest one last
        List<Correction> feedback = readFeedback(4);
        Map<String, Correction> latest = new LinkedHashMap<>();
        feedback.forEach(c -> latest.put(c.getQuestionId(), c));
        assertThat(feedback).hasSize(4);

        Correction corrected = latest.get("q-emoji");
        assertThat(corrected.getVerdict()).isEqualTo(Verdict.CORRECTED);
        assertThat(corrected.getAnnotator()).isEqualTo(ANNOTATOR);
        assertThat(corrected.getSpan())
                .isEqualTo(new Span(targetStart, targetEnd, target))
                .extracting(Span::getText)
                .isEqualTo(emojiContext.substring(targetStart, targetEnd));
        assertThat(corrected.getPredicted().getText()).isEqualTo("nine");

        Correction accepted = latest.get("q-accept");
        assertThat(accepted.getVerdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(accepted.getAnnotator()).isEqualTo(ANNOTATOR);
        assertThat(accepted.getSpan()).isEqualTo(new Span(23, 28, "Paris"));

        assertThat(feedback.get(2).getQuestionId()).isEqualTo("q-none");
        assertThat(feedback.get(2).getVerdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(feedback.get(2).getSpan()).isNull();
        Correction redone = latest.get("q-none");
        assertThat(redone.getVerdict()).isEqualTo(Verdict.CORRECTED);
        assertThat(redone.getSpan()).isEqualTo(new Span(0, 18, "Bananas are yellow"));
    }

    @Test
    void shouldShowWhyTheModelChoseItsSpanAndJumpToTheLikelyStarts() throws Exception {
        // Given: an answer with token scores; its likeliest start "Zoë" follows two emoji
        String context =
                "Party 🎉 tonight! The guest 😀 of honour is Zoë Ångström, who arrives at nine.";
        int zoe = context.indexOf("Zoë");
        int guest = context.indexOf("guest");
        String full = "Zoë Ångström";
        assertThat(context.codePointCount(0, zoe)).isLessThan(zoe);
        Answer answer =
                Answer.newBuilder(
                                answer(
                                        "q-heat",
                                        "Who is the guest of honour?",
                                        context,
                                        span(context, zoe, zoe + 3, 0.40)))
                        .setTokenScores(
                                tokenScores(
                                        context,
                                        Map.of("Zoë", 0.62f, "guest", 0.15f, "nine", 0.10f),
                                        Map.of("Zoë", 0.50f, "Ångström", 0.35f, "nine", 0.10f)))
                        .build();
        produceAnswers(List.of(answer));
        awaitQueueTotal(1);

        // When
        signIn();
        awaitItem("q-heat");

        // Then: the context is intact, every token has its heat, the model's answer is marked
        assertThat(contextText()).isEqualTo(context);
        assertThat(driver.findElement(By.id("heat-legend")).isDisplayed()).isTrue();
        assertThat(js("return document.querySelectorAll('#context .tok').length"))
                .isEqualTo((long) answer.getTokenScores().getStarts().size());
        assertThat(js("return document.querySelector('#context mark.best').textContent"))
                .isEqualTo("Zoë");
        // and the strongest start is on "Zoë", at its UTF-16 offset, inside the model's answer
        String peak = "document.querySelector('#context .tok.peak-start')";
        assertThat(js("return " + peak + ".textContent")).isEqualTo("Zoë");
        assertThat(
                        js(
                                "const c = document.getElementById('context');"
                                        + " return SpanOffsets.offsetOf(c, "
                                        + peak
                                        + ".firstChild, 0)"))
                .isEqualTo((long) zoe);
        assertThat(js("return " + peak + ".closest('mark.best') !== null")).isEqualTo(true);
        assertThat(
                        js(
                                "return Math.max(...[...document.querySelectorAll('#context .tok')]"
                                        + ".map(e => Number(e.style.getPropertyValue('--ps'))))"
                                        + " === Number("
                                        + peak
                                        + ".style.getPropertyValue('--ps'))"))
                .isEqualTo(true);
        assertThat(js("return document.querySelector('#context .tok.peak-end').textContent"))
                .isEqualTo("Zoë");

        // When: she jumps to the likeliest start, then the next, then back
        keys("h");
        await(() -> text("flash").startsWith("Likely start 1 of "), "the first jump");
        assertThat(js("return document.querySelector('#context .tok.jump').textContent"))
                .isEqualTo("Zoë");
        assertThat(text("sel-text")).isEqualTo("Zoë");
        keys("h");
        await(() -> text("flash").startsWith("Likely start 2 of "), "the second jump");
        assertThat(js("return document.querySelector('#context .tok.jump').textContent"))
                .isEqualTo("guest");
        assertThat(text("sel-range")).startsWith("[" + guest + ", " + (zoe + 3) + ")");
        keys("H");
        await(() -> text("flash").startsWith("Likely start 1 of "), "the jump back");
        assertThat(text("sel-range")).startsWith("[" + zoe + ", " + (zoe + 3) + ")");
        // and moves the end one word right, and looks at it
        keys("}");
        await(() -> text("sel-text").equals(full), "the full name selected");
        saveScreenshot("labeler-heatmap.png");
        keys(Keys.ENTER);
        awaitConfirmation("q-heat", "CORRECTED");

        // Then: the correction holds the UTF-16 offsets of the full name
        assertThat(readFeedback(1).get(0).getSpan())
                .isEqualTo(new Span(zoe, zoe + full.length(), full));
    }

    /**
     * Token scores over the context's words, punctuation and emoji (one token each): the given
     * words get the given probabilities, every other token shares what is left.
     */
    private static TokenScores tokenScores(
            String context, Map<String, Float> start, Map<String, Float> end) {
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        Matcher token =
                Pattern.compile("[\\p{L}\\p{N}\\p{M}]+|[^\\s\\p{L}\\p{N}\\p{M}]").matcher(context);
        while (token.find()) {
            starts.add(token.start());
            ends.add(token.end());
        }
        return new TokenScores(
                starts,
                ends,
                ProbabilityBytes.encode(probabilities(context, starts, ends, start)),
                ProbabilityBytes.encode(probabilities(context, starts, ends, end)));
    }

    private static float[] probabilities(
            String context, List<Integer> starts, List<Integer> ends, Map<String, Float> given) {
        float rest = 1f - given.values().stream().reduce(0f, Float::sum);
        float[] p = new float[starts.size()];
        for (int i = 0; i < p.length; i++) {
            String text = context.substring(starts.get(i), ends.get(i));
            p[i] = given.getOrDefault(text, rest / (p.length - given.size()));
        }
        return p;
    }

    @Test
    void shouldShowTheLastTrainingSliceBySliceAsText() throws Exception {
        // Given: a rejected training whose slice name and reason hold markup
        try (KafkaProducer<String, io.spanloop.events.ModelVersion> producer =
                env.producer(topics.modelVersions())) {
            io.spanloop.events.ModelVersion rejected =
                    io.spanloop.events.ModelVersion.newBuilder()
                            .setModelName("tiny-bert-qa")
                            .setVersion(4)
                            .setParentVersion(3L)
                            .setUri("")
                            .setSha256("")
                            .setStatus(io.spanloop.events.ModelStatus.REJECTED)
                            .setReason("slice file:<b>known</b> dropped")
                            .setMetrics(
                                    new io.spanloop.events.EvalMetrics(90.0, 91.0, 89.0, 90.0, 24))
                            .setTrainingExamples(100)
                            .setEpochs(2)
                            .setDevice("cpu")
                            .setTrainingSeconds(20.0)
                            .setCreatedAt(Instant.now())
                            .setSlices(
                                    List.of(
                                            new io.spanloop.events.SliceMetrics(
                                                    "file:<b>known</b>",
                                                    new io.spanloop.events.EvalMetrics(
                                                            88.0, 88.5, 93.0, 93.2, 200),
                                                    91.5,
                                                    true)))
                            .build();
            producer.send(
                            new ProducerRecord<>(
                                    topics.modelVersions().name(), "tiny-bert-qa", rejected))
                    .get();
        }

        // When
        signIn();
        await(
                () -> driver.findElement(By.id("training")).getText().contains("v4"),
                "the last training in the page");

        // Then: the numbers per slice, the markup as text
        saveScreenshot("labeler-training.png");
        String line = driver.findElement(By.id("training")).getText();
        assertThat(line)
                .contains(
                        "Last training: tiny-bert-qa v4 REJECTED (slice file:<b>known</b> dropped)")
                .contains("labels: EM 90.0 (was 89.0; 24)")
                .contains("file:<b>known</b>: EM 88.0 (was 93.0, reference 91.5; 200)");
        assertThat(js("return document.querySelectorAll('#training b').length")).isEqualTo(0L);
    }

    @Test
    void shouldShowMarkupInAContextAsText() throws Exception {
        // Given: an answer whose question, context and span hold markup
        String context =
                "Before <script>window.__xss=1</script> and"
                        + " <img src=x onerror=\"window.__xss=2\"> after.";
        int img = context.indexOf("<img");
        int imgEnd = context.indexOf('>', img) + 1;
        produceAnswers(
                List.of(
                        answer(
                                "q-xss",
                                "What does <b onclick=\"window.__xss=3\">this</b> say?",
                                context,
                                span(context, img, imgEnd, 0.2))));
        awaitQueueTotal(1);

        // When
        signIn();
        awaitItem("q-xss");

        // Then: the markup is visible text, nothing of it became elements or ran
        saveScreenshot("labeler-markup.png");
        assertThat(js("return typeof window.__xss")).isEqualTo("undefined");
        assertThat(js("return document.querySelectorAll('#context *').length")).isEqualTo(1L);
        assertThat(js("return document.querySelector('#context mark.best').textContent"))
                .isEqualTo(context.substring(img, imgEnd));
        assertThat(js("return document.querySelectorAll('#question *, #best *').length"))
                .isEqualTo(0L);
        assertThat(
                        js(
                                "return document.querySelectorAll('img, script:not([src]), [onclick], [onerror]').length"))
                .isEqualTo(0L);
        assertThat(contextText()).isEqualTo(context);
        assertThat(driver.findElement(By.id("context")).getText())
                .contains("<script>window.__xss=1</script>")
                .contains("<img src=x onerror=\"window.__xss=2\">");
        assertThat(text("question"))
                .isEqualTo("What does <b onclick=\"window.__xss=3\">this</b> say?");
        assertThat(text("best")).isEqualTo(context.substring(img, imgEnd));
        assertThat(js("return performance.getEntriesByType('resource').map(e => e.name)"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .noneMatch(name -> name.toString().endsWith("/x"));
    }

    @Test
    void shouldKeepTheItemAndSayWhyWhenAVerdictIsNotStored() throws Exception {
        // Given: one item, and a page whose next correction request gets Kafka's 503
        String context = "Kafka keeps every correction.";
        produceAnswers(
                List.of(
                        answer(
                                "q-retry",
                                "What keeps corrections?",
                                context,
                                span(context, 0, 5, 0.4))));
        awaitQueueTotal(1);
        signIn();
        awaitItem("q-retry");
        js(
                "window.__realFetch = window.fetch;"
                        + "window.fetch = (url, init) => String(url).endsWith('api/corrections')"
                        + " ? Promise.resolve(new Response(JSON.stringify({error: 'Kafka did not"
                        + " acknowledge the correction'}), {status: 503, headers:"
                        + " {'Content-Type': 'application/json'}}))"
                        + " : window.__realFetch(url, init);");

        // When: she accepts
        keys("a");

        // Then: the page shows the API's message, says it was not recorded, keeps the item
        await(() -> driver.findElement(By.id("error")).isDisplayed(), "the error message");
        assertThat(text("error"))
                .contains("Kafka did not acknowledge the correction")
                .contains("NOT recorded");
        assertThat(driver.findElement(By.id("flash")).isDisplayed()).isFalse();
        assertThat(text("question-id")).isEqualTo("q-retry");

        // When: Kafka is back and she presses a again
        js("window.fetch = window.__realFetch;");
        keys("a");

        // Then: confirmed and stored once
        awaitConfirmation("q-retry", "ACCEPTED");
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
        List<Correction> feedback = readFeedback(1);
        assertThat(feedback).hasSize(1);
        assertThat(feedback.get(0).getVerdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(feedback.get(0).getSpan()).isEqualTo(new Span(0, 5, "Kafka"));

        // and the help opens with ?, a reload keeps the session, logging out ends it
        keys("?");
        await(() -> driver.findElement(By.id("help")).isDisplayed(), "the help text");
        driver.navigate().refresh();
        await(() -> driver.findElement(By.id("empty")).isDisplayed(), "the empty queue");
        assertThat(driver.findElement(By.id("login-view")).isDisplayed()).isFalse();
        driver.findElement(By.id("logout")).click();
        await(() -> driver.findElement(By.id("login-form")).isDisplayed(), "the sign-in form");
        assertThat(js("return fetch('api/status').then(r => r.status)")).isEqualTo(401L);
    }

    @Test
    void shouldChartTheVersionsAndLetOnlyAnAdminPromote() throws Exception {
        // Given: v2 passed the gate, v3 was rejected, v4 passed and is served; answers by v2 and
        // v4 in the last minutes; the retrainer is training v5
        List<io.spanloop.events.ModelVersion> trained =
                List.of(
                        trained(2, 1, io.spanloop.events.ModelStatus.PUBLISHED, 62.5, 300),
                        trained(3, 2, io.spanloop.events.ModelStatus.REJECTED, 55.0, 200),
                        trained(4, 2, io.spanloop.events.ModelStatus.PUBLISHED, 81.0, 100));
        try (KafkaProducer<String, io.spanloop.events.ModelVersion> producer =
                env.producer(topics.modelVersions())) {
            for (io.spanloop.events.ModelVersion event : trained) {
                producer.send(
                                new ProducerRecord<>(
                                        topics.modelVersions().name(), "tiny-bert-qa", event))
                        .get();
            }
        }
        Instant now = Instant.now();
        String context = "The Loire flows through Orléans.";
        produceAnswers(
                List.of(
                        answered("r1", context, 2, now.minusSeconds(240)),
                        answered("r2", context, 2, now.minusSeconds(180)),
                        answered("r3", context, 4, now.minusSeconds(120)),
                        answered("r4", context, 4, now.minusSeconds(60)),
                        answered("r5", context, 4, now.minusSeconds(60)),
                        answered("r6", context, 4, now)));
        try (KafkaProducer<String, io.spanloop.events.TrainingProgress> producer =
                env.producer(topics.trainingProgress())) {
            producer.send(
                            new ProducerRecord<>(
                                    topics.trainingProgress().name(),
                                    "tiny-bert-qa",
                                    io.spanloop.events.TrainingProgress.newBuilder()
                                            .setModelName("tiny-bert-qa")
                                            .setVersion(5)
                                            .setParentVersion(4)
                                            .setState(io.spanloop.events.TrainingState.RUNNING)
                                            .setLabels(180)
                                            .setNewLabels(60)
                                            .setTrainingExamples(240)
                                            .setEvalExamples(36)
                                            .setEpoch(2)
                                            .setEpochs(2)
                                            .setStep(21)
                                            .setTotalSteps(30)
                                            .setLoss(0.8125)
                                            .setExamplesPerSecond(14.2)
                                            .setEtaSeconds(75L)
                                            .setStartedAt(now.minusSeconds(120))
                                            .setUpdatedAt(now)
                                            .build()))
                    .get();
        }

        // When: alice, an admin, follows the review page's link to the Models page
        signIn();
        driver.findElement(By.id("models-link")).click();
        await(
                () -> rows("#versions-body tr").size() == 4,
                "the four versions (three trained, the base) in the table");
        await(
                () -> driver.findElements(By.cssSelector("#answers-chart rect.bar")).size() >= 4,
                "the answers chart");

        // Then: a point per trained version and metric, the rejected one hollow; the served one
        // marked in the table
        assertThat(
                        js(
                                "return [...document.querySelectorAll('#metrics-chart circle.point-em')]"
                                        + ".map(c => c.dataset.version).join()"))
                .isEqualTo("2,3,4");
        assertThat(js("return document.querySelectorAll('#metrics-chart circle.point-f1').length"))
                .isEqualTo(3L);
        assertThat(js("return document.querySelectorAll('#metrics-chart .not-passed').length"))
                .isEqualTo(2L);
        assertThat(servedRow()).isEqualTo("4");
        assertThat(text("served-version")).isEqualTo("v4");
        // read in one script: the table is re-rendered by its 2 s poll, so an element found
        // first and read afterwards can be stale
        assertThat(
                        (String)
                                js(
                                        "return document.querySelector("
                                                + "\"#versions-body tr[data-version='3']\").innerText"))
                .contains("REJECTED")
                .contains("55.0 vs 50.0");
        // and the live training, and answers per minute stacked by version
        await(() -> text("run-step").equals("21/30"), "the training's progress");
        assertThat(text("run-title")).isEqualTo("tiny-bert-qa v5 from v4");
        assertThat(text("run-state")).isEqualTo("RUNNING");
        assertThat(text("run-eta")).isEqualTo("1:15");
        assertThat(text("run-loss")).isEqualTo("0.813");
        assertThat(text("run-labels")).isEqualTo("180 (60 new)");
        assertThat(
                        js(
                                "return [...new Set([...document.querySelectorAll('#answers-chart rect.bar')]"
                                        + ".map(r => r.dataset.version))].sort().join()"))
                .isEqualTo("2,4");
        // every answer counted (the page polls; the Streams app may have been mid-way)
        await(
                () ->
                        text("answers-legend").contains("v2: 2")
                                && text("answers-legend").contains("v4: 4"),
                "all six answers in the answers chart's legend");
        assertThat(
                        driver.findElement(By.cssSelector("button.promote[data-version='3']"))
                                .isEnabled())
                .as("a rejected version cannot be promoted")
                .isFalse();
        saveFullPageScreenshot("models.png");

        // When: she promotes v2 with a note
        driver.findElement(By.id("action-note")).sendKeys("v4 mixes up rivers");
        driver.findElement(By.cssSelector("button.promote[data-version='2']")).click();

        // Then: the served marker moves to v2, and the event is on the topic with her name
        await(() -> "2".equals(servedRow()), "v2 marked as served");
        assertThat(text("serving")).contains("v2").contains("promoted by alice");
        assertThat(text("flash")).contains("PROMOTED v2 by alice");
        io.spanloop.events.ModelVersion promoted = lastVersionEvent(4);
        assertThat(promoted.getAction()).isEqualTo(io.spanloop.events.VersionAction.PROMOTED);
        assertThat(promoted.getVersion()).isEqualTo(2);
        assertThat(promoted.getActor()).isEqualTo(ANNOTATOR);
        assertThat(promoted.getReason()).isEqualTo("v4 mixes up rivers");
        await(
                () ->
                        driver.findElement(By.cssSelector("circle.served-ring")) != null
                                && text("versions-body").contains("promoted by alice"),
                "who promoted, in the table");
        saveFullPageScreenshot("models-promoted.png");

        // When: bob, no admin, looks
        driver.get(labeler.baseUrl() + "/");
        await(() -> driver.findElement(By.id("logout")).isDisplayed(), "the review page");
        driver.findElement(By.id("logout")).click();
        signIn(VIEWER, VIEWER_TOKEN);
        driver.findElement(By.id("models-link")).click();
        await(() -> rows("#versions-body tr").size() == 4, "the versions, for bob");

        // Then: every action is disabled, saying why; the API refuses him anyway
        assertThat(text("who-role")).isEqualTo("read-only");
        assertThat(driver.findElement(By.id("readonly")).isDisplayed()).isTrue();
        List<WebElement> buttons = rows("#versions-body button");
        assertThat(buttons).hasSize(8).noneMatch(WebElement::isEnabled);
        assertThat(buttons.get(0).getAttribute("title")).startsWith("Only admins can promote");
        assertThat(
                        js(
                                "return fetch('api/session').then(r => r.json()).then(s =>"
                                        + " fetch('api/models/tiny-bert-qa/promote', {method:"
                                        + " 'POST', headers: {'Content-Type': 'application/json',"
                                        + " 'X-CSRF-Token': s.csrfToken}, body:"
                                        + " JSON.stringify({version: 4})})).then(r => r.status)"))
                .isEqualTo(403L);
        assertThat(servedRow()).isEqualTo("2");
        saveFullPageScreenshot("models-readonly.png");
        // and the way back to the review page
        driver.findElement(By.id("review-link")).click();
        await(() -> driver.findElement(By.id("review-view")).isDisplayed(), "the review page");
    }

    private List<WebElement> rows(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The version of the table row marked as served, or null. */
    private String servedRow() {
        return (String)
                js(
                        "const r = document.querySelector('#versions-body"
                                + " tr[data-served=\"true\"]'); return r ? r.dataset.version :"
                                + " null");
    }

    private io.spanloop.events.ModelVersion lastVersionEvent(int count) {
        try (KafkaConsumer<String, io.spanloop.events.ModelVersion> consumer =
                env.consumer(topics.modelVersions())) {
            List<ConsumerRecord<String, io.spanloop.events.ModelVersion>> records =
                    Records.readAtLeast(consumer, count, WAIT, Duration.ofMillis(300));
            assertThat(records).hasSize(count);
            return records.get(count - 1).value();
        }
    }

    /** A TRAINED event: gated against {@code parent}, whose EM was 5 points lower. */
    private static io.spanloop.events.ModelVersion trained(
            long version,
            long parent,
            io.spanloop.events.ModelStatus status,
            double exactMatch,
            long secondsAgo) {
        return io.spanloop.events.ModelVersion.newBuilder()
                .setModelName("tiny-bert-qa")
                .setVersion(version)
                .setParentVersion(parent)
                .setIncumbentVersion(parent)
                .setUri("")
                .setSha256("")
                .setStatus(status)
                .setReason(
                        status == io.spanloop.events.ModelStatus.REJECTED
                                ? "candidate F1 is more than 1.0 below the incumbent's"
                                : null)
                .setMetrics(
                        new io.spanloop.events.EvalMetrics(
                                exactMatch, exactMatch + 3, exactMatch - 5, exactMatch - 2, 36))
                .setTrainingExamples(200 + (int) version * 20)
                .setEpochs(2)
                .setDevice("cpu")
                .setTrainingSeconds(38.0 + version)
                .setCreatedAt(Instant.now().minusSeconds(secondsAgo))
                .build();
    }

    private static Answer answered(String id, String context, long version, Instant at) {
        return Answer.newBuilder(answer(id, "Which river?", context, span(context, 4, 9, 0.7)))
                .setModelVersion(version)
                .setAnsweredAt(at)
                .build();
    }

    // --- the page ----------------------------------------------------------------------------

    private void signIn() throws IOException {
        signIn(ANNOTATOR, TOKEN);
    }

    private void signIn(String annotator, String token) throws IOException {
        driver.get(labeler.baseUrl() + "/");
        await(() -> driver.findElement(By.id("login-form")).isDisplayed(), "the sign-in form");
        saveScreenshot("labeler-login.png");
        driver.findElement(By.id("login-annotator")).sendKeys(annotator);
        driver.findElement(By.id("login-token")).sendKeys(token, Keys.ENTER);
        await(() -> driver.findElement(By.id("review-view")).isDisplayed(), "the review view");
        assertThat(text("who-name")).isEqualTo(annotator);
    }

    private void awaitItem(String questionId) {
        await(
                () ->
                        driver.findElement(By.id("item")).isDisplayed()
                                && text("question-id").equals(questionId),
                "item " + questionId + " on screen");
    }

    /** Waits for the page's confirmation, which it shows only after the API's 201. */
    private void awaitConfirmation(String questionId, String verdict) {
        WebElement flash = driver.findElement(By.id("flash"));
        try {
            await(
                    () ->
                            questionId.equals(flash.getAttribute("data-question-id"))
                                    && verdict.equals(flash.getAttribute("data-verdict")),
                    verdict + " of " + questionId + " confirmed");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the page says: " + text("error"), e);
        }
    }

    private void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private String text(String id) {
        return (String) js("return document.getElementById(arguments[0]).textContent", id);
    }

    /**
     * The rendered context's text, passed as JSON: WebDriver returns a bare string with its
     * carriage returns dropped.
     */
    private String contextText() throws IOException {
        String json =
                (String)
                        js("return JSON.stringify(document.getElementById('context').textContent)");
        return new ObjectMapper().readValue(json, String.class);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Selects context offsets [start, end) as a mouse drag would: a DOM Range between points in the
     * rendered text nodes (found by this test's own walk); the page maps it to offsets.
     */
    private void selectWithDomRange(int start, int end) {
        js(
                "const c = document.getElementById('context');"
                        + "function point(i) {"
                        + "  const w = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);"
                        + "  let sum = 0;"
                        + "  for (let n = w.nextNode(); n; n = w.nextNode()) {"
                        + "    if (i <= sum + n.data.length) return [n, i - sum];"
                        + "    sum += n.data.length;"
                        + "  }"
                        + "  throw new Error('offset ' + i + ' beyond ' + sum);"
                        + "}"
                        + "const r = document.createRange();"
                        + "r.setStart(...point(arguments[0])); r.setEnd(...point(arguments[1]));"
                        + "const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);",
                start,
                end);
    }

    /** Saves what the browser shows to {@code target/screenshots/<name>}. */
    private void saveScreenshot(String name) throws IOException {
        Path dir = Path.of(System.getProperty("basedir", ".")).resolve("target/screenshots");
        Files.createDirectories(dir);
        Path png = chromium.driver().getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** As {@link #saveScreenshot}, the whole page: the window as tall as the page meanwhile. */
    private void saveFullPageScreenshot(String name) throws IOException {
        Dimension window = driver.manage().window().getSize();
        js("window.scrollTo(0, 0)");
        long height = (Long) js("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(window.getWidth(), (int) height + 120));
        try {
            saveScreenshot(name);
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(condition, WAIT, what);
    }

    // --- Kafka and the API (the test plays the answerer) -------------------------------------

    private static ScoredSpan span(String context, int start, int end, double score) {
        return new ScoredSpan(start, end, context.substring(start, end), score);
    }

    /** An answer whose best span is the first of {@code spans}; the lowest score comes first. */
    private static Answer answer(String id, String question, String context, ScoredSpan... spans) {
        return Answer.newBuilder()
                .setQuestionId(id)
                .setQuestion(question)
                .setContext(context)
                .setBest(spans.length == 0 ? null : spans[0])
                .setCandidates(List.of(spans))
                .setNoAnswerScore(0.02)
                .setModelName("tiny-bert-qa")
                .setModelVersion(3)
                .setAnsweredAt(Instant.now())
                .setInferenceMicros(1000)
                .setBatchSize(1)
                .build();
    }

    private void produceAnswers(List<Answer> answers) throws Exception {
        try (KafkaProducer<String, Answer> producer = env.producer(topics.answers())) {
            for (Answer answer : answers) {
                producer.send(
                                new ProducerRecord<>(
                                        topics.answers().name(), answer.getQuestionId(), answer))
                        .get();
            }
        }
    }

    /** Waits until the labeler's queue (its API, as an API client) holds {@code total} items. */
    private void awaitQueueTotal(int total) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(labeler.baseUrl() + "/api/queue?limit=1"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(10))
                        .build();
        String expected = "\"total\":" + total + ",";
        await(
                () -> {
                    try {
                        HttpResponse<String> response =
                                http.send(request, HttpResponse.BodyHandlers.ofString());
                        return response.statusCode() == 200 && response.body().contains(expected);
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                },
                total + " items in the review queue");
    }

    /** Reads {@code count} corrections from the feedback topic (read_committed), in order. */
    private List<Correction> readFeedback(int count) {
        List<ConsumerRecord<String, Correction>> records;
        try (KafkaConsumer<String, Correction> consumer = env.consumer(topics.feedback())) {
            records = Records.readAtLeast(consumer, count, WAIT, Duration.ofMillis(300));
        }
        // Corrections of one question share a partition, so their order there is their order.
        return records.stream()
                .sorted((a, b) -> a.value().getCorrectedAt().compareTo(b.value().getCorrectedAt()))
                .map(ConsumerRecord::value)
                .toList();
    }
}
