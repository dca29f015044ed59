#!/usr/bin/env python3
"""Reads spanloop answers with Confluent's own Python client (Debian python3-confluent-kafka):
its Avro MessageSerializer fetches each writer schema from the registry's Confluent-compatible
API and decodes the Confluent wire format (keys are plain UTF-8 strings, so the client's
AvroConsumer, which decodes keys as Avro too, does not fit). Prints one JSON object per answer.

    read_answers.py BOOTSTRAP SCHEMA_REGISTRY_URL TOPIC COUNT [TIMEOUT_SECONDS]
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def main():
    bootstrap, registry, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0
    avro = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "confluent-python-" + str(uuid.uuid4()),
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
        }
    )
    consumer.subscribe([topic])
    seen = 0
    deadline = time.time() + timeout
    try:
        while seen < count and time.time() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                print("error: %s" % message.error(), file=sys.stderr)
                continue
            answer = avro.decode_message(message.value())
            best = answer.get("best")
            print(
                json.dumps(
                    {
                        "key": message.key().decode("utf-8"),
                        "questionId": answer["questionId"],
                        "context": answer["context"],
                        "modelVersion": answer["modelVersion"],
                        "best": best,
                        "candidates": answer["candidates"],
                    },
                    ensure_ascii=True,
                ),
                flush=True,
            )
            seen += 1
    finally:
        consumer.close()
    return 0 if seen >= count else 1


if __name__ == "__main__":
    sys.exit(main())
