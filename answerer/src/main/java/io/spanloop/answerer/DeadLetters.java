package io.spanloop.answerer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The headers a dead-lettered question carries, next to its original headers. */
final class DeadLetters {

    static final String REASON = "spanloop.dlq.reason";
    static final String EXCEPTION = "spanloop.dlq.exception";
    static final String SOURCE_TOPIC = "spanloop.dlq.source.topic";
    static final String SOURCE_PARTITION = "spanloop.dlq.source.partition";
    static final String SOURCE_OFFSET = "spanloop.dlq.source.offset";

    private DeadLetters() {}

    static Headers headers(
            Headers original,
            String reason,
            Throwable error,
            String topic,
            int partition,
            long offset) {
        Headers headers = new RecordHeaders(original == null ? null : original.toArray());
        headers.add(REASON, utf8(reason));
        if (error != null) {
            headers.add(EXCEPTION, utf8(error.getClass().getName()));
        }
        headers.add(SOURCE_TOPIC, utf8(topic));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        return headers;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
