package io.spanloop.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * An immutable topic descriptor: the topic's name and the serdes of its keys and values, so that
 * producers, consumers and Streams topologies never pair a topic with the wrong serde.
 *
 * @param name the Kafka topic name
 * @param keySerde serde of the record keys
 * @param valueSerde serde of the record values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** Validates that every component is present and the name is not blank. */
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
    }

    @Override
    public String toString() {
        return "Topic[" + name + "]";
    }
}
