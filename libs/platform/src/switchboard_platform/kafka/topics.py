"""Create the catalogue's topics: `python -m switchboard_platform.kafka.topics ensure`.

Idempotent: creates missing topics, adds partitions where the catalogue asks for more,
and sets the catalogue's configs on existing topics. It never deletes a topic or removes
partitions (Kafka cannot), and says so when the broker has more than the catalogue.
"""

import argparse
import asyncio
import os
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from switchboard_contracts.topics import ALL_TOPICS, Topic
from switchboard_platform.kafka.naming import physical_name


async def ensure_topics(
    bootstrap_servers: str,
    *,
    prefix: str = "",
    replication_factor: int = 1,
    topics: tuple[Topic, ...] = ALL_TOPICS,
) -> list[str]:
    """Make the broker match the catalogue; return one line per action taken."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="sb-topics")
    await admin.start()
    actions: list[str] = []
    try:
        existing = {
            meta["topic"]: len(meta["partitions"])
            for meta in (await admin.describe_topics())
            if not meta.get("error_code")
        }
        missing = [t for t in topics if physical_name(t, prefix) not in existing]
        for topic in missing:
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            name=physical_name(topic, prefix),
                            num_partitions=topic.partitions,
                            replication_factor=replication_factor,
                            topic_configs=topic.kafka_config(),
                        )
                    ]
                )
                actions.append(
                    f"created {physical_name(topic, prefix)} "
                    f"({topic.partitions} partitions, {topic.cleanup_policy})"
                )
            except TopicAlreadyExistsError:  # another process was quicker
                pass
        for topic in topics:
            name = physical_name(topic, prefix)
            have = existing.get(name)
            if have is None:
                continue
            if have < topic.partitions:
                await admin.create_partitions({name: NewPartitions(total_count=topic.partitions)})
                actions.append(f"grew {name} from {have} to {topic.partitions} partitions")
            elif have > topic.partitions:
                actions.append(
                    f"note: {name} has {have} partitions, catalogue says "
                    f"{topic.partitions} (left alone)"
                )
            await admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name, topic.kafka_config())]
            )
    finally:
        await admin.close()
    return actions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="switchboard_platform.kafka.topics")
    sub = parser.add_subparsers(dest="command", required=True)
    ensure = sub.add_parser("ensure", help="create or update the catalogue's topics")
    ensure.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    ensure.add_argument("--prefix", default=os.environ.get("KAFKA_TOPIC_PREFIX", ""))
    ensure.add_argument("--replication-factor", type=int, default=1)
    args = parser.parse_args(argv)
    actions = asyncio.run(
        ensure_topics(
            args.bootstrap, prefix=args.prefix, replication_factor=args.replication_factor
        )
    )
    for line in actions:
        sys.stdout.write(f"topics: {line}\n")
    sys.stdout.write(f"topics: {len(ALL_TOPICS)} catalogue topics present on {args.bootstrap}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
