package io.spanloop.schemas;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Fails deserialization with a {@link SerializationException} (which Kafka's deserialization
 * handlers see) when a record holds another Avro type than the topic's, instead of a {@code
 * ClassCastException} later in the caller.
 */
final class TypeCheckingDeserializer<T> implements Deserializer<T> {

    private final Class<T> type;
    private final Deserializer<T> delegate;

    TypeCheckingDeserializer(Class<T> type, Deserializer<T> delegate) {
        this.type = type;
        this.delegate = delegate;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return check(topic, delegate.deserialize(topic, data));
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return check(topic, delegate.deserialize(topic, headers, data));
    }

    private T check(String topic, Object value) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        throw new SerializationException(
                "expected "
                        + type.getName()
                        + " on topic "
                        + topic
                        + " but the record holds "
                        + value.getClass().getName());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
