/*
 * The labeler's Models page: every model version with the gate's numbers, which one is served and
 * why, the live training, answers per version per minute, and (for admins) promote, pin and
 * unpin. Charts are inline SVG drawn here. Everything from the API is untrusted and reaches the
 * page only as text (textContent, SVG text nodes), never as HTML.
 */
(function () {
    'use strict';

    const MODELS_EVERY_MS = 5000;
    const TRAINING_EVERY_MS = 2000;
    const ANSWERS_EVERY_MS = 5000;
    const ANSWER_MINUTES = 15;
    const STALE_AFTER_S = 60;
    const SVG = 'http://www.w3.org/2000/svg';
    // by version number, so a version has one colour everywhere; no red (it reads as "bad")
    const PALETTE = ['#5a6b8c', '#2f5fd0', '#e07b1a', '#1c9c6b', '#8e44ad', '#2b9bb5',
        '#b8860b', '#d4578a'];

    const state = {
        annotator: null,
        admin: false,
        csrf: null,
        models: [], // from api/models
        model: null, // the selected model's name
        runs: [],
        rates: null,
        busy: false,
        pollErrors: {}, // the last failure of each poll, until it succeeds again
    };

    const $ = (id) => document.getElementById(id);

    const api = window.LabelerApi.client({ csrf: () => state.csrf });

    // --- session and polling ---------------------------------------------------------------

    async function boot() {
        $('model-select').addEventListener('change', (e) => {
            state.model = e.target.value;
            renderAll();
        });
        $('unpin').addEventListener('click', () => act('unpin', null));
        $('versions-body').addEventListener('click', (e) => {
            const button = e.target.closest('button[data-action]');
            if (button && !button.disabled) {
                act(button.dataset.action, Number(button.dataset.version));
            }
        });
        let session;
        try {
            session = await api('GET', 'api/session');
        } catch (e) {
            signedOut();
            return;
        }
        state.annotator = session.annotator;
        state.admin = session.admin === true;
        state.csrf = session.csrfToken;
        $('who-name').textContent = session.annotator;
        $('who-role').textContent = state.admin ? 'admin' : 'read-only';
        $('who-role').className = state.admin ? 'role admin' : 'role';
        $('who').hidden = false;
        $('readonly').hidden = state.admin;
        $('note-row').hidden = !state.admin;
        $('models-view').hidden = false;
        poll('versions', refreshModels, MODELS_EVERY_MS);
        poll('training', refreshTraining, TRAINING_EVERY_MS);
        poll('answers', refreshAnswers, ANSWERS_EVERY_MS);
    }

    function signedOut() {
        $('models-view').hidden = true;
        $('who').hidden = true;
        $('signed-out').hidden = false;
    }

    /**
     * Runs {@code task} now and then every {@code ms} after it finished; a failure shows until
     * the same task succeeds again.
     */
    function poll(name, task, ms) {
        const run = async () => {
            try {
                await task();
                delete state.pollErrors[name];
            } catch (e) {
                if (e.status === 401) {
                    signedOut();
                    return;
                }
                state.pollErrors[name] = `${name}: ${e.message}`;
            }
            renderPollErrors();
            setTimeout(run, ms);
        };
        run();
    }

    function renderPollErrors() {
        const box = $('poll-error');
        const messages = Object.values(state.pollErrors);
        box.textContent = messages.join(' · ');
        box.hidden = messages.length === 0;
    }

    async function refreshModels() {
        const data = await api('GET', 'api/models');
        state.models = data.models;
        if (!state.models.some((m) => m.modelName === state.model)) {
            state.model = state.models.length ? state.models[0].modelName : null;
        }
        renderModelPicker();
        renderModel();
        renderTraining();
    }

    async function refreshTraining() {
        state.runs = (await api('GET', 'api/training')).runs;
        renderTraining();
    }

    async function refreshAnswers() {
        state.rates = await api('GET', `api/answers-per-version?minutes=${ANSWER_MINUTES}`);
        renderAnswers();
    }

    function renderAll() {
        renderModel();
        renderTraining();
        renderAnswers();
    }

    function selected() {
        return state.models.find((m) => m.modelName === state.model) || null;
    }

    // --- promote, pin, unpin ---------------------------------------------------------------

    async function act(kind, version) {
        const model = selected();
        if (!model || state.busy) {
            return;
        }
        const body = kind === 'unpin' ? {} : { version };
        const note = $('action-note').value.trim();
        if (note) {
            body.note = note;
        }
        state.busy = true;
        setButtonsBusy(true);
        try {
            const done = await api('POST',
                `api/models/${encodeURIComponent(model.modelName)}/${kind}`, body);
            $('action-note').value = '';
            const served = done.served ? `now serving v${done.served.version}` : '';
            flash(`${done.action} v${done.version} by ${done.actor}: ${served}`);
            await refreshModels();
        } catch (e) {
            showError(e.status === 0 ? e.message : `${kind} refused: ${e.message}`);
        } finally {
            state.busy = false;
            setButtonsBusy(false);
        }
    }

    function setButtonsBusy(busy) {
        document.querySelectorAll('#versions-body button, #unpin').forEach((b) => {
            b.classList.toggle('busy', busy);
        });
    }

    function flash(text) {
        $('error').hidden = true;
        const box = $('flash');
        box.textContent = text;
        box.hidden = false;
        clearTimeout(flash.timer);
        flash.timer = setTimeout(() => { box.hidden = true; }, 8000);
    }

    function showError(text) {
        $('flash').hidden = true;
        $('error').textContent = text;
        $('error').hidden = false;
    }

    // --- the model: serving line and versions table ----------------------------------------

    function renderModelPicker() {
        const select = $('model-select');
        const names = state.models.map((m) => m.modelName);
        if (select.options.length !== names.length
            || names.some((n, i) => select.options[i].value !== n)) {
            select.textContent = '';
            for (const name of names) {
                const option = document.createElement('option');
                option.value = name;
                option.textContent = name;
                select.append(option);
            }
        }
        select.value = state.model || '';
        $('model-pick').hidden = names.length < 2;
    }

    function renderModel() {
        const model = selected();
        renderServing(model);
        renderVersions(model);
        renderMetricsChart(model);
    }

    function renderServing(model) {
        const line = $('serving');
        line.textContent = '';
        const pin = model && model.pin;
        $('pin-badge').hidden = !pin;
        $('unpin').hidden = !pin;
        if (!model) {
            line.textContent = 'No model version on the topic yet.';
            return;
        }
        if (!model.served) {
            line.textContent = `${model.modelName}: no version decided yet; answerers serve `
                + 'their configured model.';
        } else {
            const version = document.createElement('b');
            version.id = 'served-version';
            version.textContent = `v${model.served.version}`;
            line.append(`${model.modelName} `, version, ` ${whyServed(model.served)}`);
        }
        if (pin) {
            $('pin-badge').textContent = `pinned to v${pin.version} by ${pin.actor}`;
            $('pin-badge').title = `since ${formatTime(pin.since)}: passing candidates are held`;
            disableUnlessAdmin($('unpin'), 'unpin');
        }
    }

    function whyServed(served) {
        switch (served.why) {
            case 'PROMOTED':
                return `— promoted by ${served.actor} at ${formatTime(served.since)}`;
            case 'PINNED':
                return `— pinned by ${served.actor} at ${formatTime(served.since)}`;
            default:
                return '— the newest version that passed the gate';
        }
    }

    function disableUnlessAdmin(button, verb) {
        if (state.admin) {
            button.disabled = false;
            button.title = '';
            return true;
        }
        button.disabled = true;
        button.title = `Only admins can ${verb} (the labeler's admins setting names them);`
            + ` you are signed in as ${state.annotator}`;
        return false;
    }

    function renderVersions(model) {
        const body = $('versions-body');
        body.textContent = '';
        const versions = model ? model.versions : [];
        $('versions-empty').hidden = versions.length > 0;
        for (const v of versions) {
            const row = document.createElement('tr');
            row.dataset.version = String(v.version);
            row.dataset.served = String(v.served);
            row.dataset.status = v.status;
            if (v.served) {
                row.className = 'served';
            }
            const first = cell(row, '');
            const name = document.createElement('b');
            name.textContent = `v${v.version}`;
            first.append(name);
            if (v.served) {
                const marker = document.createElement('span');
                marker.className = 'served-marker';
                marker.textContent = 'serving';
                first.append(' ', marker);
            }
            const status = document.createElement('span');
            status.className = `badge status-${v.status.toLowerCase()}`;
            status.textContent = v.status;
            if (v.reason) {
                status.title = v.reason;
            }
            cell(row, '').append(status);
            cell(row, lineage(v));
            cell(row, versus(v.candidateExactMatch, v.incumbentExactMatch), 'num');
            cell(row, versus(v.candidateF1, v.incumbentF1), 'num');
            cell(row, v.status === 'BASE' ? '–' : String(v.evalSize), 'num');
            cell(row, v.status === 'BASE' ? '–' : String(v.trainingExamples), 'num');
            cell(row, v.status === 'BASE' ? '–' : `${v.trainingSeconds.toFixed(0)} s`, 'num');
            cell(row, v.device || '–');
            cell(row, v.createdAt ? formatTime(v.createdAt) : '–', 'time');
            cell(row, v.actions.length
                ? v.actions.map((a) => `${a.action.toLowerCase()} by ${a.actor}`
                    + ` ${formatTime(a.at)}${a.note ? ` (“${a.note}”)` : ''}`).join('; ')
                : '–', 'who-acted');
            const buttons = cell(row, '', 'row-actions');
            buttons.append(actionButton('promote', 'Promote', v, model),
                actionButton('pin', 'Pin', v, model));
            if (v.reason && v.status !== 'PUBLISHED' && v.status !== 'BASE') {
                row.title = v.reason;
            }
            body.append(row);
        }
    }

    function actionButton(action, label, v, model) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `ghost small ${action}`;
        button.dataset.action = action;
        button.dataset.version = String(v.version);
        button.textContent = label;
        if (!disableUnlessAdmin(button, action)) {
            return button;
        }
        if (!v.servable) {
            button.disabled = true;
            button.title = `v${v.version} was ${v.status} by the gate: it cannot be served`;
        } else if (action === 'promote' && v.served) {
            button.disabled = true;
            button.title = `v${v.version} is served already`;
        } else if (action === 'pin' && model.pin && model.pin.version === v.version) {
            button.disabled = true;
            button.title = `serving is pinned to v${v.version} already`;
        } else {
            button.title = action === 'promote'
                ? `Serve v${v.version}; the next candidate is trained from it`
                : `Serve v${v.version} and hold every later candidate until unpinned`;
        }
        return button;
    }

    function cell(row, text, className) {
        const td = document.createElement('td');
        td.textContent = text;
        if (className) {
            td.className = className;
        }
        row.append(td);
        return td;
    }

    /** {@code v2}, or {@code v2 / v4} when it was gated against another version than its parent. */
    function lineage(v) {
        if (v.parentVersion == null) {
            return '–';
        }
        return v.incumbentVersion == null || v.incumbentVersion === v.parentVersion
            ? `v${v.parentVersion}`
            : `v${v.parentVersion} / v${v.incumbentVersion}`;
    }

    function versus(candidate, incumbent) {
        if (candidate == null) {
            return '–';
        }
        return incumbent == null
            ? number(candidate)
            : `${number(candidate)} vs ${number(incumbent)}`;
    }

    // --- the live training -----------------------------------------------------------------

    function renderTraining() {
        const run = state.runs.find((r) => r.modelName === state.model)
            || (state.model ? null : state.runs[0]);
        $('training-none').hidden = !!run;
        $('training-run').hidden = !run;
        if (!run) {
            return;
        }
        $('run-title').textContent = `${run.modelName} v${run.version} from v${run.parentVersion}`;
        const badge = $('run-state');
        badge.textContent = run.state + outcome(run);
        badge.className = `badge run-${run.state.toLowerCase()}`;
        const stale = run.state === 'RUNNING' || run.state === 'EVALUATING'
            ? run.secondsSinceUpdate > STALE_AFTER_S : false;
        $('run-stale').hidden = !stale;
        $('run-stale').textContent = stale
            ? `no report for ${duration(run.secondsSinceUpdate)}: is the retrainer running?` : '';
        const share = run.totalSteps > 0 ? run.step / run.totalSteps : 0;
        $('run-bar').style.width = `${(run.state === 'DONE' ? 1 : share) * 100}%`;
        $('run-bar').className = `bar-fill run-${run.state.toLowerCase()}`;
        $('run-epoch').textContent = run.epoch > 0 ? `${run.epoch}/${run.epochs}` : `–/${run.epochs}`;
        $('run-step').textContent = run.totalSteps > 0
            ? `${run.step}/${run.totalSteps}` : 'preparing examples';
        $('run-loss').textContent = run.loss == null ? '–' : run.loss.toFixed(3);
        $('run-rate').textContent = run.examplesPerSecond == null
            ? '–' : run.examplesPerSecond.toFixed(1);
        $('run-eta').textContent = run.state === 'RUNNING' && run.etaSeconds != null
            ? duration(run.etaSeconds) : '–';
        $('run-labels').textContent = `${run.labels} (${run.newLabels} new)`;
        $('run-examples').textContent = `${run.trainingExamples} trained on,`
            + ` ${run.evalExamples} held out`;
        $('run-started').textContent = formatTime(run.startedAt);
    }

    /** For a finished run: what the gate made of it, once its event arrived. */
    function outcome(run) {
        if (run.state !== 'DONE') {
            return '';
        }
        const model = selected();
        const v = model && model.versions.find((x) => x.version === run.version);
        return v ? ` · ${v.status}${v.served ? ', served' : ''}` : ' · waiting for its event';
    }

    // --- charts ----------------------------------------------------------------------------

    function svg(tag, attrs, parent, text) {
        const node = document.createElementNS(SVG, tag);
        for (const [key, value] of Object.entries(attrs || {})) {
            node.setAttribute(key, String(value));
        }
        if (text !== undefined) {
            node.textContent = text;
        }
        if (parent) {
            parent.append(node);
        }
        return node;
    }

    const CHART = { width: 640, height: 240, left: 44, right: 16, top: 14, bottom: 44 };

    function plotArea() {
        return {
            x0: CHART.left,
            x1: CHART.width - CHART.right,
            y0: CHART.top,
            y1: CHART.height - CHART.bottom,
        };
    }

    /** EM and F1 of each trained version, oldest left, one point per version and metric. */
    function renderMetricsChart(model) {
        const chart = $('metrics-chart');
        chart.textContent = '';
        const versions = model
            ? model.versions.filter((v) => v.candidateExactMatch != null).slice().reverse()
            : [];
        const area = plotArea();
        const y = (value) => area.y1 - (value / 100) * (area.y1 - area.y0);
        for (const tick of [0, 25, 50, 75, 100]) {
            svg('line', { x1: area.x0, x2: area.x1, y1: y(tick), y2: y(tick), class: 'grid' },
                chart);
            svg('text', { x: area.x0 - 8, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' },
                chart, String(tick));
        }
        if (!versions.length) {
            svg('text', { x: (area.x0 + area.x1) / 2, y: (area.y0 + area.y1) / 2,
                class: 'empty-note', 'text-anchor': 'middle' }, chart, 'no trained version yet');
            return;
        }
        const step = versions.length > 1 ? (area.x1 - area.x0 - 40) / (versions.length - 1) : 0;
        const x = (i) => versions.length > 1 ? area.x0 + 20 + i * step : (area.x0 + area.x1) / 2;
        for (const [metric, key] of [['f1', 'candidateF1'], ['em', 'candidateExactMatch']]) {
            const points = versions.map((v, i) => `${x(i)},${y(v[key])}`).join(' ');
            svg('polyline', { points, class: `series series-${metric}` }, chart);
        }
        versions.forEach((v, i) => {
            const passed = v.status === 'PUBLISHED';
            if (v.served) {
                svg('circle', { cx: x(i), cy: y(v.candidateExactMatch), r: 9, class: 'served-ring' },
                    chart);
            }
            for (const [metric, key, label] of [['f1', 'candidateF1', 'F1'],
                ['em', 'candidateExactMatch', 'EM']]) {
                const point = svg('circle', {
                    cx: x(i),
                    cy: y(v[key]),
                    r: 4.5,
                    class: `point point-${metric}${passed ? '' : ' not-passed'}`,
                    'data-version': v.version,
                }, chart);
                svg('title', {}, point, `v${v.version} ${v.status}: ${label} ${number(v[key])}`
                    + (v[key.replace('candidate', 'incumbent')] == null ? ''
                        : ` (v${v.incumbentVersion}: ${number(v[key.replace('candidate', 'incumbent')])})`));
            }
            svg('text', { x: x(i), y: area.y1 + 16, class: 'vlabel', 'text-anchor': 'middle' },
                chart, `v${v.version}`);
            svg('text', { x: x(i), y: area.y1 + 30, class: 'tick', 'text-anchor': 'middle' },
                chart, formatClock(v.createdAt));
        });
    }

    function color(version) {
        return PALETTE[version % PALETTE.length];
    }

    /** Answers per minute, a bar per minute stacked by model version, the current minute right. */
    function renderAnswers() {
        const chart = $('answers-chart');
        chart.textContent = '';
        const legend = $('answers-legend');
        legend.textContent = '';
        const rates = state.rates;
        if (!rates) {
            return;
        }
        $('answers-minutes').textContent = String(rates.minutes);
        const series = rates.versions.filter((s) => !state.model || s.modelName === state.model);
        const area = plotArea();
        const totals = rates.minuteStarts.map((_, i) => series.reduce((sum, s) => sum + s.counts[i], 0));
        const max = niceMax(Math.max(1, ...totals));
        const y = (value) => area.y1 - (value / max) * (area.y1 - area.y0);
        for (const tick of [0, max / 2, max]) {
            svg('line', { x1: area.x0, x2: area.x1, y1: y(tick), y2: y(tick), class: 'grid' },
                chart);
            svg('text', { x: area.x0 - 8, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' },
                chart, String(tick));
        }
        const slot = (area.x1 - area.x0) / rates.minutes;
        const width = Math.max(2, slot * 0.72);
        rates.minuteStarts.forEach((start, i) => {
            let base = 0;
            const left = area.x0 + i * slot + (slot - width) / 2;
            for (const s of series) {
                const count = s.counts[i];
                if (count > 0) {
                    const bar = svg('rect', {
                        x: left,
                        y: y(base + count),
                        width,
                        height: y(base) - y(base + count),
                        fill: color(s.version),
                        class: 'bar',
                        'data-version': s.version,
                        'data-minute': start,
                    }, chart);
                    svg('title', {}, bar, `v${s.version}: ${count} answers at ${formatClock(start)}`);
                    base += count;
                }
            }
            if (i % 5 === (rates.minutes - 1) % 5) {
                svg('text', { x: left + width / 2, y: area.y1 + 16, class: 'tick',
                    'text-anchor': 'middle' }, chart, formatClock(start));
            }
        });
        if (!series.length) {
            svg('text', { x: (area.x0 + area.x1) / 2, y: (area.y0 + area.y1) / 2,
                class: 'empty-note', 'text-anchor': 'middle' }, chart,
                `no answers in the last ${rates.minutes} minutes`);
        }
        for (const s of series) {
            const item = document.createElement('span');
            const key = document.createElement('i');
            key.className = 'key';
            key.style.background = color(s.version);
            item.append(key, `v${s.version}: ${s.total}`);
            legend.append(item);
        }
    }

    function niceMax(value) {
        const magnitude = 10 ** Math.floor(Math.log10(value));
        for (const m of [1, 2, 5, 10]) {
            if (value <= m * magnitude) {
                return Math.max(2, m * magnitude);
            }
        }
        return value;
    }

    // --- formatting ------------------------------------------------------------------------

    function number(value) {
        return value == null ? '–' : value.toFixed(1);
    }

    /** A time of today as 14:05:09, of another day as Nov 30, 14:05. */
    function formatTime(iso) {
        const date = new Date(iso);
        if (Number.isNaN(date.getTime())) {
            return iso;
        }
        if (date.toDateString() === new Date().toDateString()) {
            return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',
                second: '2-digit', hourCycle: 'h23' });
        }
        return date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit',
            minute: '2-digit', hourCycle: 'h23' });
    }

    function formatClock(iso) {
        const date = new Date(iso);
        return Number.isNaN(date.getTime())
            ? ''
            : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',
                hourCycle: 'h23' });
    }

    function duration(seconds) {
        const s = Math.max(0, Math.round(seconds));
        return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    }

    document.addEventListener('DOMContentLoaded', boot);
}());
