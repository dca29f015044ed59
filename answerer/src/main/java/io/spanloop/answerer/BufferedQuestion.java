package io.spanloop.answerer;

import io.spanloop.events.Question;
import java.nio.ByteBuffer;

/**
 * A valid question waiting for its batch, with what is needed to answer it or dead-letter it after
 * a restart: the original key and value bytes, timestamp and source position. {@code arrivedMs}
 * (stream system time of arrival on this instance) is not stored: restored questions count as long
 * overdue.
 */
record BufferedQuestion(
        long sequence,
        byte[] key,
        byte[] value,
        long timestamp,
        int partition,
        long offset,
        Question question,
        long arrivedMs) {

    /** The stored form (the question is parsed again from {@code value} on restore). */
    byte[] encode() {
        int keyLength = key == null ? -1 : key.length;
        ByteBuffer buffer =
                ByteBuffer.allocate(8 + 4 + 8 + 4 + Math.max(keyLength, 0) + 4 + value.length);
        buffer.putLong(timestamp).putInt(partition).putLong(offset).putInt(keyLength);
        if (key != null) {
            buffer.put(key);
        }
        buffer.putInt(value.length).put(value);
        return buffer.array();
    }

    /** The stored form without the parsed question. */
    static BufferedQuestion decode(long sequence, byte[] stored, QuestionParser parser) {
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        long timestamp = buffer.getLong();
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        int keyLength = buffer.getInt();
        byte[] key = null;
        if (keyLength >= 0) {
            key = new byte[keyLength];
            buffer.get(key);
        }
        byte[] value = new byte[buffer.getInt()];
        buffer.get(value);
        return new BufferedQuestion(
                sequence, key, value, timestamp, partition, offset, parser.parse(value), 0L);
    }
}
