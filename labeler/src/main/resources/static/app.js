/*
 * The labeler's review page: sign in, walk the review queue (most uncertain first), and record a
 * verdict per answer through the JSON API, keyboard first. Everything from the API is untrusted
 * and reaches the page only as text (textContent / text nodes), never as HTML.
 */
(function () {
    'use strict';

    const O = window.SpanOffsets;
    const H = window.SpanHeat;
    const PAGE = 50;
    const STATUS_EVERY_MS = 15000;
    const EMPTY_RETRY_MS = 4000;
    const HAS_HIGHLIGHTS = typeof CSS !== 'undefined' && 'highlights' in CSS
        && typeof Highlight === 'function';
    const VERDICT_WORDS = { ACCEPTED: 'Accepted', CORRECTED: 'Corrected', NO_ANSWER: 'No answer' };

    const state = {
        annotator: null,
        csrf: null,
        item: null, // the Item on screen, or null
        draft: null, // the selected span {start, end, text}, or null
        heat: noHeat(), // the item's token scores and where the likely-start jumps are
        trail: [], // question ids shown this session, in order
        pos: -1, // index of the shown item in trail (trail.length when past the end)
        reviewed: [], // question ids given a verdict this session, oldest first (for undo)
        busy: false,
        statusTimer: null,
        waitTimer: null, // looks at the queue again while nothing is on screen
    };

    const $ = (id) => document.getElementById(id);

    function noHeat() {
        return { tokens: [], order: [], rank: -1 };
    }

    // --- API -------------------------------------------------------------------------------

    const api = window.LabelerApi.client({
        csrf: () => state.csrf,
        onUnauthorized: () => signedOut('Your session has ended: please sign in again.'),
    });

    // --- session ---------------------------------------------------------------------------

    async function boot() {
        bindEvents();
        try {
            signedIn(await api('GET', 'api/session'));
        } catch (e) {
            showLogin(e.status === 401 ? null : e.message);
        }
    }

    function showLogin(message) {
        $('review-view').hidden = true;
        $('stats').hidden = true;
        $('training').hidden = true;
        $('who').hidden = true;
        $('login-view').hidden = false;
        $('login-error').hidden = !message;
        $('login-error').textContent = message || '';
        const name = $('login-annotator');
        (name.value ? $('login-token') : name).focus();
    }

    async function login(event) {
        event.preventDefault();
        const submit = $('login-submit');
        submit.disabled = true;
        try {
            const session = await api('POST', 'api/session', {
                annotator: $('login-annotator').value.trim(),
                token: $('login-token').value,
            });
            $('login-token').value = '';
            signedIn(session);
        } catch (e) {
            $('login-error').textContent = e.message;
            $('login-error').hidden = false;
        } finally {
            submit.disabled = false;
        }
    }

    function signedIn(session) {
        state.annotator = session.annotator;
        state.csrf = session.csrfToken;
        state.trail = [];
        state.pos = -1;
        state.reviewed = [];
        $('login-view').hidden = true;
        $('review-view').hidden = false;
        $('stats').hidden = false;
        $('who').hidden = false;
        $('who-name').textContent = session.annotator;
        refreshStatus();
        clearInterval(state.statusTimer);
        state.statusTimer = setInterval(refreshStatus, STATUS_EVERY_MS);
        navigate(next);
    }

    function signedOut(message) {
        clearTimeout(state.waitTimer);
        clearInterval(state.statusTimer);
        state.statusTimer = null;
        state.annotator = null;
        state.csrf = null;
        state.item = null;
        state.draft = null;
        state.heat = noHeat();
        clearHighlights();
        showLogin(message);
    }

    async function logout() {
        try {
            await api('DELETE', 'api/session');
        } catch (e) {
            // Signed out either way: the server forgets the session, the page forgets the token.
        }
        signedOut(null);
    }

    async function refreshStatus() {
        if (!state.csrf) {
            return;
        }
        try {
            const s = await api('GET', 'api/status');
            $('stat-mine').textContent = s.reviewedTodayByMe;
            $('stat-team').textContent = s.reviewedToday;
            $('stat-queue').textContent = s.queueLength;
            $('stat-model').textContent = s.modelName == null
                ? '–' : `${s.modelName} v${s.modelVersion}`;
            showTraining(s.lastTraining);
        } catch (e) {
            // The next refresh tries again; actions report their own errors.
        }
    }

    /** The last training's outcome, slice by slice (text only: names come from events). */
    function showTraining(training) {
        const line = $('training');
        line.replaceChildren();
        if (!training) {
            line.hidden = true;
            return;
        }
        const em = (value) => value == null ? '–' : value.toFixed(1);
        const status = document.createElement('span');
        status.className = training.status === 'PUBLISHED' ? 'published' : 'rejected';
        status.textContent = `${training.status}`;
        line.append(`Last training: ${training.modelName} v${training.version} `, status);
        if (training.reason) {
            line.append(` (${training.reason})`);
        }
        for (const slice of [training.overall, ...training.slices]) {
            const part = document.createElement('span');
            part.className = 'slice';
            part.dataset.slice = slice.slice;
            part.textContent = `${slice.slice}: EM ${em(slice.candidateExactMatch)}`
                + ` (was ${em(slice.incumbentExactMatch)}`
                + (slice.referenceExactMatch == null ? '' : `, reference ${em(slice.referenceExactMatch)}`)
                + `; ${slice.size})`;
            if (!slice.gated) {
                part.classList.add('small');
            }
            line.append(part);
        }
        line.hidden = false;
    }

    // --- navigation ------------------------------------------------------------------------

    /** Runs one navigation step unless a request is in flight; reports its error. */
    async function navigate(step) {
        if (state.busy) {
            return;
        }
        setBusy(true);
        try {
            await step();
        } catch (e) {
            showError(e.message);
        } finally {
            setBusy(false);
            waitForWork();
        }
    }

    /** With nothing on screen (empty queue, or the queue still loading), looks again later. */
    function waitForWork() {
        clearTimeout(state.waitTimer);
        state.waitTimer = null;
        if (!state.item && state.csrf) {
            state.waitTimer = setTimeout(() => {
                if (!state.item && state.csrf && !state.busy) {
                    navigate(next);
                }
            }, EMPTY_RETRY_MS);
        }
    }

    async function next() {
        if (state.pos < state.trail.length - 1) {
            state.pos += 1;
            show(await fetchItem(state.trail[state.pos]));
            return;
        }
        const item = await nextFromQueue();
        if (item) {
            state.trail.push(item.questionId);
            state.pos = state.trail.length - 1;
            show(item);
        } else {
            state.pos = state.trail.length;
            showEmpty();
        }
    }

    /** After a verdict: the next item of the trail not reviewed this session, else the queue's. */
    async function advance() {
        const done = new Set(state.reviewed);
        while (state.pos < state.trail.length - 1 && done.has(state.trail[state.pos + 1])) {
            state.pos += 1;
        }
        await next();
    }

    async function previous() {
        if (state.pos <= 0) {
            flash('This is the first item of this session.');
            return;
        }
        state.pos -= 1;
        show(await fetchItem(state.trail[state.pos]));
    }

    async function undo() {
        const id = state.reviewed.pop();
        if (id === undefined) {
            flash('Nothing to undo: you have not given a verdict in this session.');
            return;
        }
        let at = state.trail.lastIndexOf(id);
        if (at < 0) {
            state.trail.push(id);
            at = state.trail.length - 1;
        }
        const item = await fetchItem(id);
        state.pos = at;
        show(item);
        flash('Reopened the last item you reviewed: give it a new verdict to replace the old one.');
    }

    async function fetchItem(id) {
        return api('GET', `api/items/${encodeURIComponent(id)}`);
    }

    /**
     * The first queue item not shown this session; when every queued item was shown (all
     * skipped, say), the first one other than the item on screen.
     */
    async function nextFromQueue() {
        const shown = new Set(state.trail);
        const current = state.item ? state.item.questionId : null;
        let fallback = null;
        for (let offset = 0; offset < 20 * PAGE; offset += PAGE) {
            const page = await api('GET', `api/queue?limit=${PAGE}&offset=${offset}`);
            $('stat-queue').textContent = page.total;
            const items = page.items || [];
            const fresh = items.find((i) => !shown.has(i.questionId));
            if (fresh) {
                return fresh;
            }
            fallback = fallback || items.find((i) => i.questionId !== current) || null;
            if (items.length < PAGE || offset + PAGE >= page.total) {
                break;
            }
        }
        return fallback;
    }

    // --- verdicts --------------------------------------------------------------------------

    async function submit(verdict) {
        const item = state.item;
        if (!item || state.busy) {
            return;
        }
        const body = { questionId: item.questionId, verdict };
        if (verdict === 'CORRECTED') {
            const span = state.draft;
            if (!span) {
                showError('Select the right answer in the context first (mouse, or the keys '
                    + '[ ] { }), then press c or Enter.');
                return;
            }
            if (sameSpan(span, item.best)) {
                body.verdict = 'ACCEPTED'; // the person picked exactly the model's answer
            } else {
                body.start = span.start;
                body.end = span.end;
                body.text = span.text;
            }
        }
        setBusy(true);
        hideError();
        flash('Saving…', 'pending');
        try {
            const saved = await api('POST', 'api/corrections', body);
            state.reviewed = state.reviewed.filter((id) => id !== item.questionId);
            state.reviewed.push(item.questionId);
            confirmSaved(item, body, saved);
            refreshStatus();
            setTimeout(refreshStatus, 2000); // the daily counts follow the feedback topic
            await advance();
        } catch (e) {
            hideFlash();
            if (e.status === 503) {
                showError(`${e.message} Your verdict was NOT recorded: press the key again to `
                    + 'retry.');
            } else {
                showError(e.message);
            }
        } finally {
            setBusy(false);
            waitForWork();
        }
    }

    function confirmSaved(item, body, saved) {
        const verdict = (saved && saved.verdict) || body.verdict;
        let text = `✓ ${VERDICT_WORDS[verdict] || verdict}: ${item.questionId}`;
        if (body.text !== undefined) {
            text += ` — “${body.text}” [${body.start}, ${body.end})`;
        }
        if (saved && saved.offset !== undefined) {
            text += ` · stored at partition ${saved.partition}, offset ${saved.offset}`;
        }
        text += ' · u undoes';
        flash(text, 'saved', item.questionId, verdict);
    }

    async function skip() {
        const item = state.item;
        if (!item || state.busy) {
            return;
        }
        await navigate(async () => {
            await api('POST', `api/items/${encodeURIComponent(item.questionId)}/skip`);
            flash(`Skipped ${item.questionId}: it moves to the end of your queue.`);
            await next();
        });
    }

    // --- selection -------------------------------------------------------------------------

    function sameSpan(a, b) {
        return !!a && !!b && a.start === b.start && a.end === b.end;
    }

    function initialDraft(item) {
        const review = item.review;
        if (review && review.verdict === 'CORRECTED' && review.start != null) {
            return O.spanOf(item.context, review.start, review.end);
        }
        if (item.best && item.best.start < item.best.end && item.best.end <= item.context.length) {
            return O.spanOf(item.context, item.best.start, item.best.end);
        }
        return null;
    }

    /** Follows the person's selection in the context (mouse, Shift+arrows). */
    function onSelectionChange() {
        const item = state.item;
        const sel = document.getSelection();
        if (!item || !sel || sel.rangeCount === 0 || sel.isCollapsed) {
            return;
        }
        const ctx = $('context');
        const range = sel.getRangeAt(0);
        if (!range.intersectsNode(ctx)) {
            return;
        }
        const raw = O.rangeOffsets(ctx, range);
        if (state.draft && raw.start === state.draft.start && raw.end === state.draft.end) {
            return; // the page's own selection
        }
        const span = O.spanOf(item.context, raw.start, raw.end);
        if (span) {
            state.draft = span;
            renderDraft(false);
        }
    }

    function moveEdge(edge, dir, unit) {
        if (!state.item) {
            return;
        }
        const moved = O.moveEdge(state.item.context, state.draft, edge, dir, unit);
        if (moved) {
            state.draft = moved;
            renderDraft(true);
            scrollToSpan(moved, edge === 'start' ? moved.start : moved.end);
        }
    }

    /**
     * Moves the selection's start to the next (dir 1) or previous (dir -1) likely start: the
     * tokens in order of the model's start probability, most likely first. The end stays unless
     * the start would pass it; then the selection is that token.
     */
    function jumpToLikelyStart(dir) {
        const item = state.item;
        const heat = state.heat;
        if (!item) {
            return;
        }
        if (heat.order.length === 0) {
            flash('This answer carries no token scores (the answerer’s answers.token.scores).');
            return;
        }
        const count = heat.order.length;
        if (heat.rank < 0) {
            heat.rank = 0; // either key starts at the most likely start
        } else {
            heat.rank = (heat.rank + (dir > 0 ? 1 : count - 1)) % count;
        }
        const index = heat.order[heat.rank];
        const token = heat.tokens[index];
        const keepEnd = state.draft && state.draft.end > token.start;
        const span = O.spanOf(item.context, token.start, keepEnd ? state.draft.end : token.end);
        if (!span) {
            return;
        }
        state.draft = span;
        renderDraft(true);
        H.markJump($('context'), index);
        scrollToSpan(span, span.start);
        $('context').focus({ preventScroll: true });
        flash(`Likely start ${heat.rank + 1} of ${count}: “${item.context.substring(token.start,
            token.end)}” (starts the answer: ${H.percent(token.startP)}, ends it: `
            + `${H.percent(token.endP)})`);
    }

    function chooseCandidate(index) {
        const item = state.item;
        const candidate = item && (item.candidates || [])[index];
        if (!candidate) {
            return;
        }
        const span = O.spanOf(item.context, candidate.start, candidate.end);
        if (span) {
            state.draft = span;
            renderDraft(true);
            scrollToSpan(span, span.start);
        }
    }

    function resetDraft() {
        if (!state.item) {
            return;
        }
        state.draft = initialDraft(state.item);
        state.heat.rank = -1;
        H.markJump($('context'), -1);
        document.getSelection().removeAllRanges();
        renderDraft(false);
    }

    // --- rendering -------------------------------------------------------------------------

    function show(item) {
        state.item = item;
        state.draft = initialDraft(item);
        hideError();
        $('empty').hidden = true;
        $('item').hidden = false;
        document.getSelection().removeAllRanges();
        clearHighlights();

        $('question').textContent = item.question;
        $('position').textContent = `#${state.pos + 1} this session`;
        const ctx = $('context');
        const best = item.best;
        O.renderContext(ctx, item.context,
            best ? [{ start: best.start, end: best.end, className: 'best' }] : []);
        renderHeat(ctx, item);
        ctx.scrollTop = 0;

        const reviewed = $('reviewed');
        reviewed.hidden = !item.review;
        if (item.review) {
            const r = item.review;
            let text = `Reviewed by ${r.annotator}`;
            if (r.correctedAt) {
                text += ` ${formatTime(r.correctedAt)}`;
            }
            text += `: ${VERDICT_WORDS[r.verdict] || r.verdict}`;
            if (r.text != null) {
                text += ` “${r.text}” [${r.start}, ${r.end})`;
            }
            reviewed.textContent = `${text}. A new verdict replaces it.`;
        }

        const bestBox = $('best');
        bestBox.textContent = '';
        if (best) {
            bestBox.textContent = best.text;
        } else {
            const none = document.createElement('span');
            none.className = 'none';
            none.textContent = 'no answer (the model found none)';
            bestBox.appendChild(none);
        }
        $('best-score').textContent = best ? percent(best.score) : '–';
        $('noanswer-score').textContent = percent(item.noAnswerScore);
        $('uncertainty').textContent = item.uncertainty == null
            ? '–' : Number(item.uncertainty).toFixed(3);
        $('item-model').textContent = item.modelName == null
            ? '–' : `${item.modelName} v${item.modelVersion}`;
        $('answered-at').textContent = item.answeredAt ? formatTime(item.answeredAt) : '–';
        $('question-id').textContent = item.questionId;

        renderCandidates(item);
        renderDraft(false);
        if (best) {
            scrollToSpan(best, best.start);
        }
        ctx.focus({ preventScroll: true });
    }

    /** The model's start/end probabilities under each token, when the answer carries them. */
    function renderHeat(ctx, item) {
        const tokens = H.tokensOf(item);
        state.heat = { tokens, order: H.byStartProbability(tokens), rank: -1 };
        H.paint(ctx, tokens);
        ctx.classList.toggle('heat', tokens.length > 0);
        $('heat-legend').hidden = tokens.length === 0;
    }

    function renderCandidates(item) {
        const list = $('candidates');
        list.textContent = '';
        const candidates = item.candidates || [];
        if (candidates.length === 0) {
            const li = document.createElement('li');
            li.className = 'empty-note';
            li.textContent = 'none';
            list.appendChild(li);
            return;
        }
        candidates.forEach((c, i) => {
            const li = document.createElement('li');
            const button = document.createElement('button');
            button.type = 'button';
            button.dataset.index = String(i);
            if (i < 9) {
                const key = document.createElement('kbd');
                key.textContent = String(i + 1);
                button.appendChild(key);
            }
            const text = document.createElement('span');
            text.className = 'cand-text';
            text.textContent = c.text;
            const score = document.createElement('span');
            score.className = 'cand-score';
            score.textContent = percent(c.score);
            button.append(text, score);
            button.addEventListener('click', () => {
                chooseCandidate(i);
                button.blur();
            });
            button.addEventListener('mouseenter', () => preview(c));
            button.addEventListener('mouseleave', () => preview(null));
            li.appendChild(button);
            list.appendChild(li);
        });
    }

    /** Shows the draft span: its text, its offsets, its highlight (and the native selection). */
    function renderDraft(syncSelection) {
        const item = state.item;
        const span = state.draft;
        $('sel-text').textContent = span ? span.text : '';
        let range = span ? `[${span.start}, ${span.end})` : '';
        if (span && item && sameSpan(span, item.best)) {
            range += ' · the model’s answer';
        }
        $('sel-range').textContent = range;
        const ctx = $('context');
        if (HAS_HIGHLIGHTS) {
            if (span) {
                CSS.highlights.set('draft', new Highlight(O.rangeFor(ctx, span.start, span.end)));
            } else {
                CSS.highlights.delete('draft');
            }
        }
        if (syncSelection && span) {
            // Lets Shift+arrow keys go on from where the keys left the selection.
            const sel = document.getSelection();
            sel.removeAllRanges();
            sel.addRange(O.rangeFor(ctx, span.start, span.end));
        }
        for (const button of $('candidates').querySelectorAll('button')) {
            const c = item && item.candidates[Number(button.dataset.index)];
            button.classList.toggle('chosen', sameSpan(span, c));
        }
    }

    function preview(candidate) {
        if (!HAS_HIGHLIGHTS) {
            return;
        }
        if (candidate && state.item && candidate.end <= state.item.context.length) {
            const range = O.rangeFor($('context'), candidate.start, candidate.end);
            CSS.highlights.set('preview', new Highlight(range));
        } else {
            CSS.highlights.delete('preview');
        }
    }

    function clearHighlights() {
        if (HAS_HIGHLIGHTS) {
            CSS.highlights.delete('draft');
            CSS.highlights.delete('preview');
        }
    }

    /** Scrolls the context box so the given offset of a span is in view. */
    function scrollToSpan(span, offset) {
        const ctx = $('context');
        const at = Math.min(Math.max(offset, span.start), span.end);
        const rect = O.rangeFor(ctx, at, Math.min(at + 1, span.end)).getBoundingClientRect();
        const box = ctx.getBoundingClientRect();
        if (rect.top < box.top || rect.bottom > box.bottom) {
            ctx.scrollTop += rect.top - box.top - box.height / 3;
        }
    }

    function showEmpty() {
        state.item = null;
        state.draft = null;
        state.heat = noHeat();
        clearHighlights();
        hideError();
        $('item').hidden = true;
        $('empty').hidden = false;
    }

    function flash(text, kind, questionId, verdict) {
        const box = $('flash');
        box.textContent = text;
        box.dataset.kind = kind || 'info';
        box.dataset.questionId = questionId || '';
        box.dataset.verdict = verdict || '';
        box.hidden = false;
    }

    function hideFlash() {
        $('flash').hidden = true;
    }

    function showError(message) {
        $('error').textContent = message;
        $('error').hidden = false;
    }

    function hideError() {
        $('error').hidden = true;
        $('error').textContent = '';
    }

    function setBusy(busy) {
        state.busy = busy;
        for (const button of document.querySelectorAll('button[data-action]')) {
            button.disabled = busy;
        }
        document.body.classList.toggle('busy', busy);
    }

    function percent(p) {
        return p == null ? '–' : `${(Number(p) * 100).toFixed(1)}%`;
    }

    function formatTime(value) {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
    }

    // --- input -----------------------------------------------------------------------------

    const ACTIONS = {
        accept: () => submit('ACCEPTED'),
        correct: () => submit('CORRECTED'),
        noanswer: () => submit('NO_ANSWER'),
        skip: () => skip(),
        next: () => navigate(next),
        prev: () => navigate(previous),
        undo: () => navigate(undo),
    };

    const KEYS = {
        a: ACTIONS.accept,
        c: ACTIONS.correct,
        Enter: ACTIONS.correct,
        n: ACTIONS.noanswer,
        s: ACTIONS.skip,
        j: ACTIONS.next,
        ArrowRight: ACTIONS.next,
        k: ACTIONS.prev,
        ArrowLeft: ACTIONS.prev,
        u: ACTIONS.undo,
        '?': () => {
            $('help').hidden = !$('help').hidden;
        },
        Escape: resetDraft,
        '[': () => moveEdge('start', -1, 'word'),
        ']': () => moveEdge('start', 1, 'word'),
        '{': () => moveEdge('end', -1, 'word'),
        '}': () => moveEdge('end', 1, 'word'),
        ',': () => moveEdge('start', -1, 'char'),
        '.': () => moveEdge('start', 1, 'char'),
        '<': () => moveEdge('end', -1, 'char'),
        '>': () => moveEdge('end', 1, 'char'),
        h: () => jumpToLikelyStart(1),
        H: () => jumpToLikelyStart(-1),
    };

    function onKeyDown(event) {
        if ($('review-view').hidden || event.ctrlKey || event.metaKey || event.altKey) {
            return;
        }
        const target = event.target;
        if (target.closest && target.closest('input, textarea, select, [contenteditable]')) {
            return;
        }
        if (event.key === 'Enter' && target.tagName === 'BUTTON') {
            return; // the button's own action
        }
        if (event.shiftKey && event.key.startsWith('Arrow')) {
            return; // native: extends the selection
        }
        let handler = KEYS[event.key];
        if (!handler && /^[1-9]$/.test(event.key)) {
            const index = Number(event.key) - 1;
            handler = () => chooseCandidate(index);
        }
        if (!handler) {
            return;
        }
        event.preventDefault();
        const moves = /^[[\]{},.<>hH]$/.test(event.key);
        if (event.repeat && !moves) {
            return; // a held key must not give several verdicts
        }
        handler();
    }

    function bindEvents() {
        $('login-form').addEventListener('submit', login);
        $('logout').addEventListener('click', logout);
        document.addEventListener('keydown', onKeyDown);
        document.addEventListener('selectionchange', onSelectionChange);
        for (const button of document.querySelectorAll('button[data-action]')) {
            button.addEventListener('click', () => {
                button.blur();
                ACTIONS[button.dataset.action]();
            });
        }
        if (HAS_HIGHLIGHTS) {
            document.body.classList.add('has-highlights');
        }
    }

    boot();
})();
