package io.spanloop.labeler;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Browser sessions (in memory): a random id in an HttpOnly cookie and a CSRF token per session. */
final class Sessions {

    static final Duration LIFETIME = Duration.ofHours(12);

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    record Session(String id, String annotator, String csrfToken, Instant expires) {}

    Session open(String annotator, Instant now) {
        sessions.values().removeIf(s -> s.expires().isBefore(now));
        Session session = new Session(token(), annotator, token(), now.plus(LIFETIME));
        sessions.put(session.id(), session);
        return session;
    }

    Optional<Session> find(String id, Instant now) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null || session.expires().isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    void close(String id) {
        sessions.remove(id);
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
