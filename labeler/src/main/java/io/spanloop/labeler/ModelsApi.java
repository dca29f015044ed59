package io.spanloop.labeler;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.spanloop.schemas.Topics;
import java.time.Clock;
import java.util.Iterator;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The Models page's API: every model version and which one is served ({@code GET /api/models}), the
 * live training ({@code GET /api/training}), answers per version per minute ({@code GET
 * /api/answers-per-version}), and the admins' promote, pin and unpin ({@code POST
 * /api/models/{name}/promote|pin|unpin}). Authentication, CSRF and errors are {@link LabelerApi}'s;
 * promote, pin and unpin also need an admin.
 */
final class ModelsApi implements AutoCloseable {

    static final int MAX_NOTE_LENGTH = 500;
    private static final int DEFAULT_MINUTES = 15;

    private final Annotators annotators;
    private final VersionLogs logs;
    private final TrainingRuns runs;
    private final AnswersPerVersion answers;
    private final VersionEventWriter writer;
    private final OperatorActions actions;
    private final Clock clock;

    private ModelsApi(
            Annotators annotators,
            VersionLogs logs,
            TrainingRuns runs,
            AnswersPerVersion answers,
            VersionEventWriter writer,
            Clock clock,
            LabelerConfig config) {
        this.annotators = annotators;
        this.logs = logs;
        this.runs = runs;
        this.answers = answers;
        this.writer = writer;
        this.actions = new OperatorActions(logs, writer, config.modelsWriteTimeout(), clock);
        this.clock = clock;
    }

    /** Starts following the model-versions and training-progress topics. */
    static ModelsApi start(
            LabelerConfig config,
            Topics topics,
            KafkaStreams streams,
            Annotators annotators,
            Clock clock) {
        VersionLogs logs = new VersionLogs(config.kafka(), topics.modelVersions());
        TrainingRuns runs = new TrainingRuns(config.kafka(), topics.trainingProgress());
        VersionEventWriter writer =
                new VersionEventWriter(
                        config.kafka(), topics.modelVersions(), config.modelsWriteTimeout());
        logs.start();
        runs.start();
        return new ModelsApi(
                annotators,
                logs,
                runs,
                new AnswersPerVersion(streams, clock),
                writer,
                clock,
                config);
    }

    void addRoutes(JavalinConfig config) {
        config.routes.get("/api/models", this::models);
        config.routes.post(
                "/api/models/{modelName}/promote", ctx -> act(ctx, OperatorActions.Kind.PROMOTE));
        config.routes.post(
                "/api/models/{modelName}/pin", ctx -> act(ctx, OperatorActions.Kind.PIN));
        config.routes.post(
                "/api/models/{modelName}/unpin", ctx -> act(ctx, OperatorActions.Kind.UNPIN));
        config.routes.get("/api/training", this::training);
        config.routes.get("/api/answers-per-version", this::answersPerVersion);
    }

    private void models(Context ctx) {
        ctx.json(
                new ModelViews.Models(
                        !logs.loaded(),
                        annotators.isAdmin(LabelerApi.annotator(ctx)),
                        logs.modelNames().stream()
                                .map(name -> ModelViews.Model.of(logs.log(name)))
                                .toList()));
    }

    private void training(Context ctx) {
        ctx.json(
                new ModelViews.Runs(
                        runs.latest().stream()
                                .map(r -> ModelViews.Run.of(r, clock.instant()))
                                .toList()));
    }

    private void answersPerVersion(Context ctx) {
        int minutes =
                LabelerApi.intParam(
                        ctx, "minutes", DEFAULT_MINUTES, 1, AnswersPerVersion.MAX_MINUTES);
        ctx.json(answers.lastMinutes(minutes));
    }

    private void act(Context ctx, OperatorActions.Kind kind) {
        String annotator = LabelerApi.annotator(ctx);
        String verb = kind.name().toLowerCase(java.util.Locale.ROOT);
        if (!annotators.isAdmin(annotator)) {
            throw new ApiException(
                    403,
                    "only admins may promote, pin or unpin model versions, and "
                            + annotator
                            + " is not one (the labeler's admins setting names them)");
        }
        boolean needsVersion = kind != OperatorActions.Kind.UNPIN;
        JsonNode request =
                !needsVersion && ctx.body().isBlank()
                        ? LabelerApi.JSON.createObjectNode()
                        : LabelerApi.body(ctx);
        Set<String> accepted = needsVersion ? Set.of("version", "note") : Set.of("note");
        for (Iterator<String> fields = request.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!accepted.contains(field)) {
                throw new ApiException(
                        400,
                        "unknown field '"
                                + field
                                + "': "
                                + verb
                                + (needsVersion ? " takes version and note" : " takes only note"));
            }
        }
        long version = needsVersion ? version(request, verb) : 0;
        OperatorActions.Done done =
                actions.apply(kind, ctx.pathParam("modelName"), version, annotator, note(request));
        ctx.status(201).json(ModelViews.ActionDone.of(done));
    }

    private static long version(JsonNode request, String verb) {
        JsonNode version = request.get("version");
        if (version == null || version.isNull()) {
            throw new ApiException(
                    400, "version is required: the number of the version to " + verb);
        }
        if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
            throw new ApiException(400, "version must be a whole number of at least 1");
        }
        return version.asLong();
    }

    private static String note(JsonNode request) {
        JsonNode note = request.get("note");
        if (note == null || note.isNull()) {
            return null;
        }
        if (!note.isTextual()) {
            throw new ApiException(400, "note must be a string");
        }
        if (note.asText().length() > MAX_NOTE_LENGTH) {
            throw new ApiException(400, "note is longer than " + MAX_NOTE_LENGTH + " characters");
        }
        return note.asText().strip();
    }

    @Override
    public void close() {
        logs.close();
        runs.close();
        writer.close();
    }
}
