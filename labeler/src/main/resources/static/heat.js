/*
 * The model's per-token start and end probabilities ("why the model chose this span") as a heat
 * map on the rendered context: each scored token's text is wrapped in a <span class="tok"> that
 * carries its probabilities, drawn by app.css as two thin bars under the token.
 *
 * Wrapping only splits existing text nodes, so every text node stays an exact substring of the
 * context and SpanOffsets (offsets.js) maps selections exactly as before. Offsets are UTF-16, the
 * unit of the API and of JavaScript strings.
 *
 * No dependencies; exposes window.SpanHeat.
 */
(function (global) {
    'use strict';

    /**
     * The item's token scores as [{start, end, startP, endP}] in text order, or [] when it has
     * none or they do not fit its context (the page then shows no heat map).
     */
    function tokensOf(item) {
        const s = item && item.tokenScores;
        if (!s || !Array.isArray(s.starts) || !Array.isArray(s.ends)
            || !Array.isArray(s.startProbabilities) || !Array.isArray(s.endProbabilities)) {
            return [];
        }
        const n = s.starts.length;
        if (s.ends.length !== n || s.startProbabilities.length !== n
            || s.endProbabilities.length !== n) {
            return [];
        }
        const tokens = [];
        let at = 0;
        for (let i = 0; i < n; i++) {
            const start = s.starts[i];
            const end = s.ends[i];
            if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || end <= start
                || end > item.context.length) {
                return [];
            }
            tokens.push({ start, end, startP: clamp(s.startProbabilities[i]),
                endP: clamp(s.endProbabilities[i]) });
            at = end;
        }
        return tokens;
    }

    function clamp(p) {
        const value = Number(p);
        return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
    }

    /** The index of the token with the highest value of key (the first of equals), or -1. */
    function peak(tokens, key) {
        let best = -1;
        tokens.forEach((t, i) => {
            if (best < 0 || t[key] > tokens[best][key]) {
                best = i;
            }
        });
        return best;
    }

    /**
     * Bar strength for a probability: its square root, so a 4% alternative is still visible next
     * to a 90% favourite.
     */
    function strength(p) {
        return Math.sqrt(p).toFixed(3);
    }

    function percent(p) {
        return `${(p * 100).toFixed(1)}%`;
    }

    /** Wraps each token's text in the container (rendered by SpanOffsets) in a heat span. */
    function paint(container, tokens) {
        if (tokens.length === 0) {
            return;
        }
        const doc = container.ownerDocument;
        const nodes = [];
        let at = 0;
        const walker = doc.createTreeWalker(container, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            nodes.push({ node: n, from: at });
            at += n.data.length;
        }
        const peaks = { start: peak(tokens, 'startP'), end: peak(tokens, 'endP') };
        let first = 0;
        for (const { node, from } of nodes) {
            const to = from + node.data.length;
            while (first < tokens.length && tokens[first].end <= from) {
                first += 1;
            }
            const hits = [];
            for (let t = first; t < tokens.length && tokens[t].start < to; t++) {
                hits.push(t);
            }
            // Right to left, so the offsets of the pieces still to wrap stay valid.
            let rest = node;
            for (let h = hits.length - 1; h >= 0; h--) {
                const token = tokens[hits[h]];
                const a = Math.max(token.start, from) - from;
                const b = Math.min(token.end, to) - from;
                if (b < rest.data.length) {
                    rest.splitText(b);
                }
                const piece = a > 0 ? rest.splitText(a) : rest;
                wrap(piece, token, hits[h], peaks);
            }
        }
    }

    function wrap(textNode, token, index, peaks) {
        const el = textNode.ownerDocument.createElement('span');
        el.className = 'tok';
        el.dataset.token = String(index);
        el.dataset.startP = String(token.startP);
        el.dataset.endP = String(token.endP);
        el.style.setProperty('--ps', strength(token.startP));
        el.style.setProperty('--pe', strength(token.endP));
        el.title = `starts the answer: ${percent(token.startP)} · ends it: ${percent(token.endP)}`;
        el.classList.toggle('peak-start', index === peaks.start);
        el.classList.toggle('peak-end', index === peaks.end);
        textNode.parentNode.insertBefore(el, textNode);
        el.appendChild(textNode);
    }

    /** Token indices by start probability, highest first (equals in text order). */
    function byStartProbability(tokens) {
        return tokens.map((t, i) => i).sort((a, b) => tokens[b].startP - tokens[a].startP || a - b);
    }

    /** Marks the token's elements as the one the keyboard jumped to, and no other (-1: none). */
    function markJump(container, index) {
        for (const el of container.querySelectorAll('.tok.jump')) {
            el.classList.remove('jump');
        }
        for (const el of container.querySelectorAll(`.tok[data-token="${index}"]`)) {
            el.classList.add('jump');
        }
    }

    global.SpanHeat = { tokensOf, paint, byStartProbability, markJump, percent };
})(window);
