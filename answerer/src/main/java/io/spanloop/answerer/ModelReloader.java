package io.spanloop.answerer;

import io.spanloop.events.ModelVersion;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.schemas.TopicScan;
import io.spanloop.versions.VersionLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, verifies and warms the version the model-versions topic says is served ({@link
 * ModelVersionFollower} decides which) and swaps it into the {@link ModelSlot} — all off the stream
 * threads. A version outside the model store ({@link StoreGuard}), missing, corrupt or unloadable
 * is refused with a log line and counted, as are events for other models and records that are no
 * event; the running model stays.
 */
public final class ModelReloader implements ModelReloaderMBean {

    private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

    private final ModelSlot slot;
    private final QaModelOptions options;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicReference<String> lastRefusal = new AtomicReference<>("");
    private final StoreGuard guard;

    ModelReloader(ModelSlot slot, QaModelOptions options, StoreGuard guard) {
        this.slot = slot;
        this.options = options;
        this.guard = guard;
    }

    /** The name of the model being served (events of other models are ignored). */
    String servedModelName() {
        return slot.current().name();
    }

    /** An event for a model this answerer does not serve: counted and logged. */
    void onOtherModel(ModelVersion event) {
        ignored.incrementAndGet();
        LOG.info(
                "Ignored an event for model {} (v{}): this answerer serves {}",
                event.getModelName(),
                event.getVersion(),
                servedModelName());
    }

    /**
     * Serves {@code target}, the version the model-versions topic says is served, unless it is
     * served already: a trained version is checked against its event's uri and sha256, the base
     * version (no event of its own) is opened from the model store by its number.
     *
     * @return whether it is now served
     */
    public boolean serve(VersionLog.Served target) {
        if (target.version() == slot.current().version()) {
            return true;
        }
        String name = slot.current().name();
        ModelVersion event = target.event();
        String source = event == null ? "the model store" : event.getUri();
        try {
            Path dir =
                    event == null
                            ? guard.directory(name, target.version())
                            : guard.directory(event, name);
            ModelDirectory directory = ModelDirectory.open(dir);
            if (directory.version() != target.version()) {
                throw new IllegalStateException(
                        "directory " + dir + " holds version " + directory.version());
            }
            if (event != null) {
                String actual = sha256(directory.modelFile());
                if (!actual.equalsIgnoreCase(event.getSha256())) {
                    throw new IllegalStateException(
                            "sha256 of model.pt is "
                                    + actual
                                    + " but the event says "
                                    + event.getSha256());
                }
            }
            DjlQaModel model = DjlQaModel.load(directory, options);
            slot.swap(model);
            loaded.incrementAndGet();
            LOG.info("Serving {} {}", name, target.describe());
            return true;
        } catch (RuntimeException | IOException e) {
            String reason =
                    "refused "
                            + name
                            + " v"
                            + target.version()
                            + " ("
                            + source
                            + "): "
                            + e.getMessage();
            refused.incrementAndGet();
            lastRefusal.set(reason);
            LOG.error("Model reload {}; still serving {}", reason, slot.current());
            return false;
        }
    }

    /** A record of the model-versions topic that is no event: skipped, counted, logged. */
    void onUnreadable(TopicScan.Unreadable record) {
        unreadable.incrementAndGet();
        LOG.error(
                "Skipped a record of the model versions topic at {}; still serving {}",
                record,
                slot.current());
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long getServedVersion() {
        return slot.current().version();
    }

    @Override
    public long getLoadedVersions() {
        return loaded.get();
    }

    @Override
    public long getRefusedVersions() {
        return refused.get();
    }

    @Override
    public long getIgnoredEvents() {
        return ignored.get();
    }

    @Override
    public long getUnreadableEvents() {
        return unreadable.get();
    }

    @Override
    public String getLastRefusal() {
        return lastRefusal.get();
    }
}
