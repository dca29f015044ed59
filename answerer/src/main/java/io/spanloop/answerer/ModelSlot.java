package io.spanloop.answerer;

import io.spanloop.qa.QaModel;
import io.spanloop.qa.QaPredictor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model an answerer serves, swappable while batches run (like djl-serving's endpoints): a batch
 * leases the current version for its whole model call; {@link #swap} installs a fully loaded new
 * version for the next batches, and the old one is closed once no lease holds it. Each thread gets
 * its own predictor per version (DJL predictors are not thread-safe).
 */
public final class ModelSlot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);

    private final AtomicReference<Served> current;

    public ModelSlot(QaModel initial) {
        current = new AtomicReference<>(new Served(initial));
    }

    /** The version new batches get. */
    public QaModel current() {
        return current.get().model;
    }

    /** Leases the current version for one batch; close the lease when the batch is done. */
    public Lease lease() {
        while (true) {
            Served served = current.get();
            if (served.tryAcquire()) {
                return new Lease(served);
            }
        }
    }

    /** Serves {@code next} from the next batch on; the previous version closes when unused. */
    public void swap(QaModel next) {
        Served previous = current.getAndSet(new Served(next));
        LOG.info("Now serving {} (was {})", next, previous.model);
        previous.release();
    }

    @Override
    public void close() {
        current.get().release();
    }

    /** One model version with its reference count and per-thread predictors. */
    private static final class Served {
        private final QaModel model;
        // 1 for being current, +1 per lease; closed at 0
        private final AtomicInteger references = new AtomicInteger(1);
        private final Map<Thread, QaPredictor> predictors = new ConcurrentHashMap<>();

        Served(QaModel model) {
            this.model = model;
        }

        boolean tryAcquire() {
            int refs;
            do {
                refs = references.get();
                if (refs == 0) {
                    return false;
                }
            } while (!references.compareAndSet(refs, refs + 1));
            return true;
        }

        void release() {
            if (references.decrementAndGet() == 0) {
                predictors.values().forEach(QaPredictor::close);
                predictors.clear();
                model.close();
                LOG.info("Closed {}", model);
            }
        }
    }

    /** A model version held for one batch. */
    public static final class Lease implements AutoCloseable {
        private final Served served;
        private boolean closed;

        private Lease(Served served) {
            this.served = served;
        }

        public QaModel model() {
            return served.model;
        }

        /** This thread's predictor for the leased version. */
        public QaPredictor predictor() {
            return served.predictors.computeIfAbsent(
                    Thread.currentThread(), t -> served.model.newPredictor());
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                served.release();
            }
        }
    }
}
