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
 * The UI's offset code ({@code static/offsets.js}) in a real Chromium, without a server: contexts
 * are rendered as exact text nodes, and DOM ranges map back to UTF-16 offsets into the original
 * context, never splitting a surrogate pair.
 */
@EnabledIf(
        value = "io.spanloop.labeler.ui.HeadlessChromium#installed",
        disabledReason = "needs /usr/bin/chromium and /usr/bin/chromedriver")
class SpanOffsetsTest {

    // An emoji (a surrogate pair), CRLF and LF before the answer "Zoë", a combining-free accent.
    private static final String CONTEXT = "Party 🎉 time!\r\nThe winner:\n  Zoë 😀 won, again.";

    private static HeadlessChromium chromium;
    private static String offsetsJs;

    @BeforeAll
    static void startBrowser() throws IOException {
        HeadlessChromium.assumeInstalled();
        try (InputStream in = SpanOffsetsTest.class.getResourceAsStream("/static/offsets.js")) {
            assertThat(in).as("static/offsets.js on the classpath").isNotNull();
            offsetsJs = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void loadPage() {
        chromium.driver()
                .get(
                        "data:text/html;charset=utf-8,<p id=before>before</p>"
                                + "<div id=c style='white-space:pre-wrap'></div><p id=after>after</p>");
        js(offsetsJs);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) chromium.driver()).executeScript(script, args);
    }

    /** Renders CONTEXT into #c with the model's span [start, end) marked. */
    private static void render(String context, int start, int end) {
        js(
                "SpanOffsets.renderContext(document.getElementById('c'), arguments[0],"
                        + " [{start: arguments[1], end: arguments[2], className: 'best'}]);",
                context,
                start,
                end);
    }

    @Test
    void shouldRenderTheContextAsExactTextNodesOnly() {
        String hostile =
                "a <script>window.__xss=1</script>\r\n<img src=x onerror=\"window.__xss=2\">";
        render(hostile, 2, 10);

        @SuppressWarnings("unchecked")
        Map<String, Object> dom =
                (Map<String, Object>)
                        js(
                                "const c = document.getElementById('c');"
                                        + "return {text: c.textContent,"
                                        + " elements: [...c.querySelectorAll('*')].map(e =>"
                                        + " e.tagName + '.' + e.className),"
                                        + " xss: typeof window.__xss};");

        assertThat(dom.get("text")).isEqualTo(hostile);
        assertThat(dom.get("elements")).isEqualTo(List.of("MARK.best"));
        assertThat(dom.get("xss")).isEqualTo("undefined");
    }

    @Test
    void shouldMapEveryRangeBackToItsOffsets() {
        int zoe = CONTEXT.indexOf("Zoë");
        render(CONTEXT, zoe, zoe + 3);

        Object mismatches =
                js(
                        "const c = document.getElementById('c'); const n = arguments[0];"
                                + "const bad = [];"
                                + "for (let s = 0; s <= n; s++) for (let e = s; e <= n; e++) {"
                                + "  const o = SpanOffsets.rangeOffsets(c, SpanOffsets.rangeFor(c,"
                                + " s, e));"
                                + "  if (o.start !== s || o.end !== e) bad.push([s, e, o.start,"
                                + " o.end]);"
                                + "}"
                                + "let sum = 0;" // boundary points between element children
                                + "for (let i = 0; i <= c.childNodes.length; i++) {"
                                + "  if (SpanOffsets.offsetOf(c, c, i) !== sum) bad.push(['child',"
                                + " i]);"
                                + "  if (i < c.childNodes.length) sum +="
                                + " c.childNodes[i].textContent.length;"
                                + "}"
                                + "return bad;",
                        CONTEXT.length());

        assertThat((List<?>) mismatches).isEmpty();
    }

    @Test
    void shouldReadTheSelectionInUtf16OffsetsOfTheOriginalContext() {
        int zoe = CONTEXT.indexOf("Zoë");
        render(CONTEXT, 0, 5);

        // A selection made of DOM points inside the text nodes, as a mouse drag makes it.
        Object span = selectRaw(zoe, zoe + 3);

        assertThat(span)
                .isEqualTo(Map.of("start", (long) zoe, "end", (long) zoe + 3, "text", "Zoë"));
        assertThat(CONTEXT.substring(zoe, zoe + 3)).isEqualTo("Zoë");
    }

    @Test
    void shouldNeverSplitASurrogatePair() {
        int party = CONTEXT.indexOf("🎉");
        int smile = CONTEXT.indexOf("😀");
        render(CONTEXT, party, party + 2);

        // start between the halves of 🎉, end between the halves of 😀
        Object span = selectRaw(party + 1, smile + 1);

        assertThat(span)
                .isEqualTo(
                        Map.of(
                                "start",
                                (long) party,
                                "end",
                                (long) smile + 2,
                                "text",
                                CONTEXT.substring(party, smile + 2)));
    }

    @Test
    void shouldTrimWhitespaceAndLineBreaksAroundTheSelection() {
        int crlf = CONTEXT.indexOf("\r\n");
        int winner = CONTEXT.indexOf("The winner:");
        render(CONTEXT, 0, 5);

        Object span = selectRaw(crlf, winner + "The winner:".length() + 3);

        assertThat(span)
                .isEqualTo(
                        Map.of(
                                "start",
                                (long) winner,
                                "end",
                                (long) winner + "The winner:".length(),
                                "text",
                                "The winner:"));
    }

    @Test
    void shouldClampSelectionsReachingOutsideTheContext() {
        render(CONTEXT, 0, 5);

        Object span =
                js(
                        "const c = document.getElementById('c');"
                                + "const r = document.createRange();"
                                + "r.setStart(document.getElementById('before').firstChild, 2);"
                                + "r.setEnd(document.getElementById('after').firstChild, 3);"
                                + "const sel = getSelection(); sel.removeAllRanges();"
                                + " sel.addRange(r);"
                                + "return SpanOffsets.selectionSpan(c, arguments[0], sel);",
                        CONTEXT);

        assertThat(span)
                .isEqualTo(Map.of("start", 0L, "end", (long) CONTEXT.length(), "text", CONTEXT));
    }

    @Test
    void shouldMoveSelectionEdgesByWordAndByCodePoint() {
        String context = "Party 🎉 time! Zoë won.";
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps =
                (List<Map<String, Object>>)
                        js(
                                "const t = arguments[0]; const out = [];"
                                        + "let s = SpanOffsets.moveEdge(t, null, 'start', 1,"
                                        + " 'word'); out.push(s);" // first token: Party
                                        + "s = SpanOffsets.moveEdge(t, s, 'end', 1, 'word');"
                                        + " out.push(s);" // Party 🎉
                                        + "s = SpanOffsets.moveEdge(t, s, 'start', 1, 'word');"
                                        + " out.push(s);" // 🎉
                                        + "s = SpanOffsets.moveEdge(t, s, 'start', 1, 'word');"
                                        + " out.push(s);" // time (end pushed along)
                                        + "s = SpanOffsets.moveEdge(t, s, 'start', -1, 'char');"
                                        + " out.push(s);" // ' time'
                                        + "s = SpanOffsets.moveEdge(t, s, 'start', -1, 'char');"
                                        + " out.push(s);" // '🎉 time': whole code point
                                        + "s = SpanOffsets.moveEdge(t, s, 'end', -1, 'char');"
                                        + " out.push(s);" // '🎉 tim'
                                        + "return out.map(x => x.text);",
                                context);

        assertThat(steps)
                .isEqualTo(
                        List.of("Party", "Party 🎉", "🎉", "time", " time", "🎉 time", "🎉 tim"));
    }

    /**
     * Selects context offsets [start, end) of #c with a DOM Range built from the rendered text
     * nodes (the test's own walk, independent of the page code) and returns the page's reading.
     */
    private static Object selectRaw(int start, int end) {
        return js(
                "const c = document.getElementById('c');"
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
                        + "r.setStart(...point(arguments[1])); r.setEnd(...point(arguments[2]));"
                        + "const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);"
                        + "return SpanOffsets.selectionSpan(c, arguments[0], sel);",
                CONTEXT,
                start,
                end);
    }
}
