#!/usr/bin/env bash
# Writes the node's configuration (its listeners from the environment, then the settings
# deploy/kafka/kafka.sh uses too: broker.properties), formats the storage once, runs the broker.
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
PROPS
cat /opt/kafka/broker.properties >>"${data}/server.properties"
jvm=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties)
if [[ ! -f "${data}/log/meta.properties" ]]; then
  id="$(java "${jvm[@]}" -Xmx256m -cp '/opt/kafka/libs/*' kafka.tools.StorageTool random-uuid | tail -n1)"
  java "${jvm[@]}" -Xmx256m -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format \
    --ignore-formatted -t "${id}" -c "${data}/server.properties"
fi
exec java "${jvm[@]}" -Xms128m "-Xmx${KAFKA_HEAP}" -XX:+ExitOnOutOfMemoryError \
  -cp '/opt/kafka/libs/*' kafka.Kafka "${data}/server.properties"
