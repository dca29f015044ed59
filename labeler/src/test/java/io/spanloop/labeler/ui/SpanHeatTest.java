package io.spanloop.labeler.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The heat map code ({@code static/heat.js}) in a real Chromium, without a server: painting token
 * scores onto a rendered context keeps its text and its offsets exact, also where a token crosses
 * the model's mark, and scores that do not fit the context paint nothing.
 */
@EnabledIf(
        value = "io.spanloop.labeler.ui.HeadlessChromium#installed",
        disabledReason = "needs /usr/bin/chromium and /usr/bin/chromedriver")
class SpanHeatTest {

    private static final String CONTEXT = "Party 🎉 time!\r\nThe winner:\n  Zoë 😀 won.";

    private static HeadlessChromium chromium;
    private static String scripts;

    @BeforeAll
    static void startBrowser() throws IOException {
        HeadlessChromium.assumeInstalled();
        scripts = resource("/static/offsets.js") + resource("/static/heat.js");
        chromium = HeadlessChromium.start();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SpanHeatTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name + " on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void loadPage() {
        chromium.driver().get("data:text/html;charset=utf-8,<div id=c></div>");
        js(scripts);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) chromium.driver()).executeScript(script, args);
    }

    /** Renders CONTEXT with a mark over [markStart, markEnd) and paints the given scores. */
    private static Object paint(int markStart, int markEnd, Map<String, ?> scores) {
        return js(
                "const c = document.getElementById('c');"
                        + "SpanOffsets.renderContext(c, arguments[0],"
                        + " [{start: arguments[1], end: arguments[2], className: 'best'}]);"
                        + "const tokens = SpanHeat.tokensOf({context: arguments[0], tokenScores:"
                        + " arguments[3]});"
                        + "SpanHeat.paint(c, tokens);"
                        + "return {text: c.textContent, count: tokens.length,"
                        + " toks: [...c.querySelectorAll('.tok')].map(e => [e.dataset.token,"
                        + " e.textContent, SpanOffsets.offsetOf(c, e.firstChild, 0),"
                        + " e.className])};",
                CONTEXT,
                markStart,
                markEnd,
                scores);
    }

    private static Map<String, Object> scores(List<Integer> starts, List<Integer> ends) {
        List<Double> p = starts.stream().map(s -> 1.0 / starts.size()).toList();
        return Map.of(
                "starts", starts, "ends", ends, "startProbabilities", p, "endProbabilities", p);
    }

    @Test
    void shouldWrapEachTokenAtItsUtf16OffsetsAndKeepTheTextExact() {
        int party = CONTEXT.indexOf("🎉");
        int winner = CONTEXT.indexOf("winner");
        int zoe = CONTEXT.indexOf("Zoë");
        // "winner" crosses the mark's start: it is wrapped in two pieces, one inside the mark
        Map<String, Object> scores =
                Map.of(
                        "starts", List.of(party, winner, zoe),
                        "ends", List.of(party + 2, winner + 6, zoe + 3),
                        "startProbabilities", List.of(0.1, 0.2, 0.7),
                        "endProbabilities", List.of(0.6, 0.3, 0.1));

        @SuppressWarnings("unchecked")
        Map<String, Object> dom = (Map<String, Object>) paint(winner + 3, zoe + 3, scores);

        assertThat(dom.get("text")).isEqualTo(CONTEXT);
        assertThat(dom.get("toks"))
                .isEqualTo(
                        List.of(
                                List.of("0", "🎉", (long) party, "tok peak-end"),
                                List.of("1", "win", (long) winner, "tok"),
                                List.of("1", "ner", (long) winner + 3, "tok"),
                                List.of("2", "Zoë", (long) zoe, "tok peak-start")));
        assertThat(js("return document.querySelector('mark.best .tok').textContent"))
                .isEqualTo("ner");
        // and every range still maps back to its offsets
        Object mismatches =
                js(
                        "const c = document.getElementById('c'); const bad = [];"
                                + "for (let s = 0; s <= arguments[0]; s++) {"
                                + "  const o = SpanOffsets.rangeOffsets(c, SpanOffsets.rangeFor(c,"
                                + " s, arguments[0]));"
                                + "  if (o.start !== s) bad.push(s);"
                                + "}"
                                + "return bad;",
                        CONTEXT.length());
        assertThat((List<?>) mismatches).isEmpty();
    }

    @Test
    void shouldPaintNothingForScoresThatDoNotFitTheContext() {
        int n = CONTEXT.length();
        for (Map<String, ?> bad :
                List.<Map<String, ?>>of(
                        scores(List.of(0, 3), List.of(5, 8)), // overlapping
                        scores(List.of(4, 0), List.of(5, 3)), // out of order
                        scores(List.of(0), List.of(n + 1)), // past the end
                        Map.of("starts", List.of(0), "ends", List.of(5)))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dom = (Map<String, Object>) paint(0, 5, bad);
            assertThat(dom.get("count")).as("%s", bad).isEqualTo(0L);
            assertThat((List<?>) dom.get("toks")).isEmpty();
            assertThat(dom.get("text")).isEqualTo(CONTEXT);
        }
    }

    @Test
    void shouldOrderLikelyStartsMostLikelyFirstAndEqualsInTextOrder() {
        Object order =
                js(
                        "return SpanHeat.byStartProbability([{startP: 0.1}, {startP: 0.5},"
                                + " {startP: 0.1}, {startP: 0.3}]);");
        assertThat(order).isEqualTo(List.of(1L, 3L, 0L, 2L));
    }
}
