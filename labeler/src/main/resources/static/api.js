/*
 * The labeler's JSON API for its pages: one fetch wrapper (JSON in and out, the session's CSRF
 * token on writes, the server's {"error": "..."} message on failure, ApiError with the status).
 *
 * No dependencies; exposes window.LabelerApi.
 */
(function () {
    'use strict';

    class ApiError extends Error {
        constructor(status, message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * A client: csrf() gives the session's CSRF token (or null); onUnauthorized(path), if given,
     * learns of a 401 from any path but the session's own.
     */
    function client({ csrf, onUnauthorized }) {
        return async function api(method, path, body) {
            const headers = { Accept: 'application/json' };
            if (body !== undefined) {
                headers['Content-Type'] = 'application/json';
            }
            const token = csrf();
            if (method !== 'GET' && token) {
                headers['X-CSRF-Token'] = token;
            }
            let response;
            try {
                response = await fetch(path, {
                    method,
                    headers,
                    body: body === undefined ? undefined : JSON.stringify(body),
                    credentials: 'same-origin',
                    cache: 'no-store',
                });
            } catch (e) {
                throw new ApiError(0, 'The labeler cannot be reached. Check your connection and '
                    + 'try again.');
            }
            const text = await response.text();
            let data = null;
            if (text) {
                try {
                    data = JSON.parse(text);
                } catch (e) {
                    data = null;
                }
            }
            if (!response.ok) {
                const message = data && typeof data.error === 'string' && data.error
                    ? data.error
                    : `The labeler answered ${response.status} ${response.statusText}.`;
                if (response.status === 401 && path !== 'api/session' && onUnauthorized) {
                    onUnauthorized(path);
                }
                throw new ApiError(response.status, message);
            }
            return data;
        };
    }

    window.LabelerApi = { ApiError, client };
})();
