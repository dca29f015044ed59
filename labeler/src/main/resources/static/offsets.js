/*
 * Span offsets for the labeler UI: renders an untrusted context as text nodes only and maps DOM
 * selections back to exact offsets into the ORIGINAL context string.
 *
 * Offsets are JavaScript string indices (UTF-16 code units, end exclusive): the same unit as Java
 * String indices, which the API and the Kafka events use. Because the context is rendered with
 * text nodes whose data are exact substrings of the context (never innerHTML, never normalised),
 * the offset of a DOM boundary point is the summed length of the text nodes before it plus the
 * offset inside its own text node.
 *
 * No dependencies; exposes window.SpanOffsets.
 */
(function (global) {
    'use strict';

    function isHighSurrogate(code) {
        return code >= 0xd800 && code <= 0xdbff;
    }

    function isLowSurrogate(code) {
        return code >= 0xdc00 && code <= 0xdfff;
    }

    /** True when offset i falls between the two halves of a surrogate pair of text. */
    function splitsSurrogatePair(text, i) {
        return i > 0 && i < text.length
            && isHighSurrogate(text.charCodeAt(i - 1)) && isLowSurrogate(text.charCodeAt(i));
    }

    /**
     * Replaces the children of container with the context as text nodes; each mark
     * ({start, end, className}) wraps its slice in a <mark>. Marks must not overlap.
     */
    function renderContext(container, context, marks) {
        const doc = container.ownerDocument;
        const sorted = (marks || [])
            .filter((m) => m && m.start >= 0 && m.end <= context.length && m.start < m.end)
            .sort((a, b) => a.start - b.start);
        container.textContent = '';
        let at = 0;
        for (const mark of sorted) {
            if (mark.start < at) {
                continue;
            }
            if (mark.start > at) {
                container.appendChild(doc.createTextNode(context.substring(at, mark.start)));
            }
            const el = doc.createElement('mark');
            el.className = mark.className;
            el.appendChild(doc.createTextNode(context.substring(mark.start, mark.end)));
            container.appendChild(el);
            at = mark.end;
        }
        if (at < context.length) {
            container.appendChild(doc.createTextNode(context.substring(at)));
        }
    }

    function textNodes(container) {
        const doc = container.ownerDocument;
        const walker = doc.createTreeWalker(container, NodeFilter.SHOW_TEXT);
        const nodes = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            nodes.push(n);
        }
        return nodes;
    }

    /** The summed length of the container's text. */
    function textLength(container) {
        return textNodes(container).reduce((sum, n) => sum + n.data.length, 0);
    }

    /**
     * The offset into the container's text of the DOM boundary point (node, offset); points before
     * the container give 0, points after it give the text's length.
     */
    function offsetOf(container, node, offset) {
        const whole = container.ownerDocument.createRange();
        whole.selectNodeContents(container);
        const where = whole.comparePoint(node, offset);
        if (where < 0) {
            return 0;
        }
        if (where > 0) {
            return textLength(container);
        }
        const point = container.ownerDocument.createRange();
        point.setStart(node, offset);
        point.collapse(true);
        let sum = 0;
        for (const text of textNodes(container)) {
            if (text === node) {
                return sum + Math.min(offset, text.data.length);
            }
            // Text nodes ending at or before the point count fully; the first after it stops.
            if (point.comparePoint(text, text.data.length) > 0) {
                return sum;
            }
            sum += text.data.length;
        }
        return sum;
    }

    /** {start, end} of a DOM range within the container, clamped to it. */
    function rangeOffsets(container, range) {
        return {
            start: offsetOf(container, range.startContainer, range.startOffset),
            end: offsetOf(container, range.endContainer, range.endOffset),
        };
    }

    /** Widens [start, end) so neither end splits a surrogate pair (an emoji, say). */
    function snapToCodePoints(text, start, end) {
        let s = Math.max(0, Math.min(start, text.length));
        let e = Math.max(s, Math.min(end, text.length));
        if (splitsSurrogatePair(text, s)) {
            s -= 1;
        }
        if (splitsSurrogatePair(text, e)) {
            e += 1;
        }
        return { start: s, end: e };
    }

    /** Narrows [start, end) so it neither starts nor ends with whitespace. */
    function trimWhitespace(text, start, end) {
        let s = start;
        let e = end;
        while (s < e && /\s/.test(text.charAt(s))) {
            s += 1;
        }
        while (e > s && /\s/.test(text.charAt(e - 1))) {
            e -= 1;
        }
        return { start: s, end: e };
    }

    /**
     * The span a selection covers in text (the context the container renders): snapped to whole
     * code points, trimmed of surrounding whitespace; null when it is empty or outside the
     * container. Each span is {start, end, text} with text === context.substring(start, end).
     */
    function selectionSpan(container, text, selection) {
        if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
            return null;
        }
        const raw = rangeOffsets(container, selection.getRangeAt(0));
        return spanOf(text, raw.start, raw.end);
    }

    /** A tidy span of text from raw offsets, or null when nothing but whitespace is left. */
    function spanOf(text, start, end) {
        const snapped = snapToCodePoints(text, Math.min(start, end), Math.max(start, end));
        const trimmed = trimWhitespace(text, snapped.start, snapped.end);
        if (trimmed.start >= trimmed.end) {
            return null;
        }
        return { start: trimmed.start, end: trimmed.end,
            text: text.substring(trimmed.start, trimmed.end) };
    }

    /** The DOM boundary point {node, offset} of text offset i in the container. */
    function domPoint(container, i) {
        const nodes = textNodes(container);
        let sum = 0;
        for (let k = 0; k < nodes.length; k++) {
            const len = nodes[k].data.length;
            // An offset at a node boundary goes to the start of the next node (inside its mark).
            if (i < sum + len || (i === sum + len && k === nodes.length - 1)) {
                return { node: nodes[k], offset: i - sum };
            }
            sum += len;
        }
        return { node: container, offset: container.childNodes.length };
    }

    /** A DOM Range over text offsets [start, end) of the container. */
    function rangeFor(container, start, end) {
        const range = container.ownerDocument.createRange();
        const s = domPoint(container, start);
        const e = domPoint(container, end);
        range.setStart(s.node, s.offset);
        range.setEnd(e.node, e.offset);
        return range;
    }

    /**
     * The tokens keyboard selection moves over, as [start, end) pairs: runs of letters, digits and
     * marks, and every other visible character (punctuation, an emoji) alone.
     */
    function tokens(text) {
        const result = [];
        const re = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;
        for (let m = re.exec(text); m; m = re.exec(text)) {
            result.push([m.index, m.index + m[0].length]);
        }
        return result;
    }

    function nextCodePoint(text, i) {
        if (i >= text.length) {
            return text.length;
        }
        return isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))
            ? i + 2 : i + 1;
    }

    function previousCodePoint(text, i) {
        if (i <= 0) {
            return 0;
        }
        return splitsSurrogatePair(text, i - 1) ? i - 2 : i - 1;
    }

    /**
     * Moves one edge of a span: edge 'start' or 'end', dir -1 or +1, unit 'word' (to the previous
     * or next token edge) or 'char' (one code point). Keeps start < end: an edge that would cross
     * the other pushes it along. With no span, gives the first token. Returns a span or the input.
     */
    function moveEdge(text, span, edge, dir, unit) {
        const toks = tokens(text);
        if (!span) {
            return toks.length ? spanOf(text, toks[0][0], toks[0][1]) : null;
        }
        let { start, end } = span;
        if (unit === 'char') {
            if (edge === 'start') {
                start = dir < 0 ? previousCodePoint(text, start) : nextCodePoint(text, start);
                if (start >= end) {
                    end = nextCodePoint(text, start);
                }
            } else {
                end = dir < 0 ? previousCodePoint(text, end) : nextCodePoint(text, end);
                if (end <= start) {
                    start = previousCodePoint(text, end);
                }
            }
        } else if (edge === 'start') {
            const tok = dir < 0
                ? [...toks].reverse().find((t) => t[0] < start)
                : toks.find((t) => t[0] > start);
            if (!tok) {
                return span;
            }
            start = tok[0];
            if (start >= end) {
                end = tok[1];
            }
        } else {
            const tok = dir < 0
                ? [...toks].reverse().find((t) => t[1] < end)
                : toks.find((t) => t[1] > end);
            if (!tok) {
                return span;
            }
            end = tok[1];
            if (end <= start) {
                start = tok[0];
            }
        }
        if (start < 0 || end > text.length || start >= end) {
            return span;
        }
        return { start, end, text: text.substring(start, end) };
    }

    global.SpanOffsets = {
        renderContext,
        textLength,
        offsetOf,
        rangeOffsets,
        snapToCodePoints,
        trimWhitespace,
        selectionSpan,
        spanOf,
        domPoint,
        rangeFor,
        tokens,
        moveEdge,
    };
})(window);
