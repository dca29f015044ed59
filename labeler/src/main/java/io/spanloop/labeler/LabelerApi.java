package io.spanloop.labeler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.Endpoint;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler's HTTP surface: the static UI at {@code /} and the JSON API under {@code /api}. Every
 * API call needs an annotator: a bearer token (API clients) or a session cookie (the browser), and
 * a cookie-authenticated write must also carry the session's CSRF token.
 */
final class LabelerApi {

    static final String SESSION_COOKIE = "spanloop_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String ANNOTATOR = "spanloop.annotator";
    private static final String SESSION = "spanloop.session";
    private static final Set<HandlerType> WRITES =
            Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private static final Logger LOG = LoggerFactory.getLogger(LabelerApi.class);

    private final Annotators annotators;
    private final Sessions sessions = new Sessions();
    private final LoginThrottle throttle = new LoginThrottle();
    private final ReviewQueue queue;
    private final CorrectionWriter writer;
    static final ObjectMapper JSON = new ObjectMapper();
    private final ModelsApi models;
    private final LabelerMetrics metrics;
    private final Clock clock;

    LabelerApi(
            Annotators annotators,
            ReviewQueue queue,
            CorrectionWriter writer,
            ModelsApi models,
            LabelerMetrics metrics,
            Clock clock) {
        this.annotators = annotators;
        this.queue = queue;
        this.writer = writer;
        this.models = models;
        this.metrics = metrics;
        this.clock = clock;
    }

    void configure(JavalinConfig config) {
        config.staticFiles.add("/static", Location.CLASSPATH);
        config.requestLogger.http(
                (ctx, millis) ->
                        metrics.request(
                                ctx.method().name(),
                                route(ctx),
                                ctx.statusCode(),
                                Duration.ofNanos((long) (millis * 1_000_000))));
        config.routes.before(this::securityHeaders);
        config.routes.before("/api/*", this::authenticate);
        config.routes.post("/api/session", this::login);
        config.routes.get("/api/session", this::session);
        config.routes.delete("/api/session", this::logout);
        config.routes.get("/api/status", this::status);
        config.routes.get("/api/queue", this::listQueue);
        config.routes.get("/api/items/{questionId}", this::item);
        config.routes.post("/api/items/{questionId}/skip", this::skip);
        config.routes.post("/api/corrections", this::correct);
        models.addRoutes(config);
        config.routes.exception(
                ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        config.routes.exception(
                InvalidStateStoreException.class,
                (e, ctx) ->
                        error(
                                ctx,
                                503,
                                "the review queue is loading from Kafka; try again in a moment"));
        config.routes.exception(
                HttpResponseException.class,
                (e, ctx) -> error(ctx, e.getStatus(), describe(e.getStatus(), e.getMessage())));
        config.routes.exception(
                Exception.class,
                (e, ctx) -> {
                    LOG.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
                });
    }

    private static String describe(int status, String message) {
        return status == 413 ? "the request body is larger than the labeler accepts" : message;
    }

    private void error(Context ctx, int status, String message) {
        metrics.apiError(status);
        ctx.status(status).json(new Views.Error(message));
    }

    /** The path template of the route that answered, or "other" (static files, no route). */
    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? "other" : endpoint.path;
    }

    private void securityHeaders(Context ctx) {
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                        + " img-src 'self' data:; frame-ancestors 'none'; base-uri 'none';"
                        + " form-action 'self'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
    }

    private void authenticate(Context ctx) {
        boolean login = ctx.path().equals("/api/session") && ctx.method() == HandlerType.POST;
        if (WRITES.contains(ctx.method())) {
            requireSameOrigin(ctx);
        }
        String authorization = ctx.header("Authorization");
        boolean bearer = authorization != null && authorization.startsWith("Bearer ");
        if (login || bearer) {
            refuseIfThrottled(ctx);
        }
        if (login) {
            return;
        }
        if (bearer) {
            Optional<String> annotator =
                    annotators.byToken(authorization.substring("Bearer ".length()).trim());
            if (annotator.isEmpty()) {
                throttle.recordFailure(ctx.ip(), clock.instant());
                throw new ApiException(401, "unknown bearer token");
            }
            ctx.attribute(ANNOTATOR, annotator.get());
            return;
        }
        Sessions.Session session =
                sessions.find(ctx.cookie(SESSION_COOKIE), clock.instant())
                        .orElseThrow(
                                () ->
                                        new ApiException(
                                                401,
                                                "log in first (or send Authorization: Bearer"
                                                        + " <token>)"));
        if (WRITES.contains(ctx.method()) && !session.csrfToken().equals(ctx.header(CSRF_HEADER))) {
            throw new ApiException(
                    403, "missing or wrong " + CSRF_HEADER + " header for this session");
        }
        ctx.attribute(ANNOTATOR, session.annotator());
        ctx.attribute(SESSION, session);
    }

    /** Too many failed logins or bearer tokens from this client lately: 429, and when to retry. */
    private void refuseIfThrottled(Context ctx) {
        Optional<Duration> wait = throttle.blockedFor(ctx.ip(), clock.instant());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiException(
                    429,
                    "too many failed logins from this address: try again in " + seconds + " s");
        }
    }

    /** A browser always names the page's origin on cross-site writes: it must be ours. */
    private static void requireSameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        String host = ctx.header("Host");
        if (host == null
                || !(origin.equals("http://" + host) || origin.equals("https://" + host))) {
            throw new ApiException(403, "cross-site request refused (Origin " + origin + ")");
        }
    }

    static String annotator(Context ctx) {
        return ctx.attribute(ANNOTATOR);
    }

    static JsonNode body(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new ApiException(415, "send the body as Content-Type: application/json");
        }
        String body = ctx.body();
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ApiException(400, "the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    400, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void login(Context ctx) {
        JsonNode body = body(ctx);
        String name = body.path("annotator").asText(null);
        String token = body.path("token").asText(null);
        Optional<String> authenticated = annotators.authenticate(name, token);
        if (authenticated.isEmpty()) {
            throttle.recordFailure(ctx.ip(), clock.instant());
            throw new ApiException(401, "unknown annotator or wrong token");
        }
        String annotator = authenticated.get();
        Sessions.Session session = sessions.open(annotator, clock.instant());
        ctx.header(
                "Set-Cookie",
                SESSION_COOKIE
                        + "="
                        + session.id()
                        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                        + Sessions.LIFETIME.toSeconds());
        ctx.json(
                new Views.SessionView(
                        annotator, session.csrfToken(), annotators.isAdmin(annotator)));
    }

    private void session(Context ctx) {
        Sessions.Session session = ctx.attribute(SESSION);
        ctx.json(
                new Views.SessionView(
                        annotator(ctx),
                        session == null ? null : session.csrfToken(),
                        annotators.isAdmin(annotator(ctx))));
    }

    private void logout(Context ctx) {
        Sessions.Session session = ctx.attribute(SESSION);
        if (session != null) {
            sessions.close(session.id());
        }
        ctx.header(
                "Set-Cookie", SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        ctx.status(204);
    }

    private void status(Context ctx) {
        ctx.json(queue.status(annotator(ctx), clock.instant()));
    }

    private void listQueue(Context ctx) {
        int limit = intParam(ctx, "limit", 20, 1, 100);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        ctx.json(queue.page(annotator(ctx), limit, offset));
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ApiException(
                    400, name + " must be an integer between " + min + " and " + max);
        }
    }

    private void item(Context ctx) {
        String id = ctx.pathParam("questionId");
        ctx.json(queue.item(id).orElseThrow(() -> unknown(id)));
    }

    private void skip(Context ctx) {
        String id = ctx.pathParam("questionId");
        queue.answer(id).orElseThrow(() -> unknown(id));
        queue.skip(annotator(ctx), id);
        ctx.status(204);
    }

    private void correct(Context ctx) {
        JsonNode request = body(ctx);
        String id = CorrectionValidator.questionId(request);
        Optional<Answer> answer = queue.answer(id);
        Correction correction =
                CorrectionValidator.validate(
                        request,
                        answer.orElseThrow(() -> unknown(id)),
                        annotator(ctx),
                        clock.instant());
        RecordMetadata written = writer.write(correction);
        queue.recordWritten(correction, written.partition());
        metrics.recorded(correction.getVerdict());
        LOG.info(
                "{} {} {} -> {}-{}@{}",
                correction.getAnnotator(),
                correction.getVerdict(),
                id,
                written.topic(),
                written.partition(),
                written.offset());
        ctx.status(201)
                .json(
                        new Views.Recorded(
                                id,
                                correction.getVerdict().name(),
                                correction.getAnnotator(),
                                written.partition(),
                                written.offset()));
    }

    private static ApiException unknown(String id) {
        return new ApiException(404, "unknown question id '" + id + "' (no answer for it yet)");
    }
}
