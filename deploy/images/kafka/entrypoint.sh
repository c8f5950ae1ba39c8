#!/usr/bin/env bash
# Writes the node's configuration (the same settings as deploy/kafka/kafka.sh, on the ports
# and advertised host from the environment), formats the storage once, runs the broker.
set -euo pipefail
data="${KAFKA_DATA_DIR}"
mkdir -p "${data}/log"
cat >"${data}/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://${KAFKA_LISTEN_HOST}:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST}:${KAFKA_PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${data}/log
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.cleaner.dedupe.buffer.size=1048577
log.cleaner.threads=1
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
PROPS
jvm=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties)
if [[ ! -f "${data}/log/meta.properties" ]]; then
  id="$(java "${jvm[@]}" -Xmx256m -cp '/opt/kafka/libs/*' kafka.tools.StorageTool random-uuid | tail -n1)"
  java "${jvm[@]}" -Xmx256m -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format \
    --ignore-formatted -t "${id}" -c "${data}/server.properties"
fi
exec java "${jvm[@]}" -Xms128m "-Xmx${KAFKA_HEAP}" -XX:+ExitOnOutOfMemoryError \
  -cp '/opt/kafka/libs/*' kafka.Kafka "${data}/server.properties"
