extension Topology {
    /// `ops/docker-compose.yml`: Apache Kafka in KRaft mode, PostgreSQL, a one-shot setup (topics, migrations),
    /// one service per tier, and the gateway. Scale a tier with `docker compose up --scale scoring=3`.
    public func compose(_ options: DeploymentOptions) -> String {
        var text = DeploymentOptions.header("compose") + """
            # Run from the repository root: docker compose -f ops/docker-compose.yml up --build
            name: bizflow

            x-bizflow: &bizflow
              image: \(options.image)
              build: { context: .., dockerfile: ops/Dockerfile }
              restart: unless-stopped
              # SIGTERM: finish the batch, commit, leave the group.
              stop_grace_period: 60s
              environment:
                KAFKA_BOOTSTRAP_SERVERS: kafka:9092
                DATABASE_URL: postgresql://bizflow:bizflow@postgres:5432/bizflow
                BIZFLOW_TOPOLOGY: /etc/bizflow/topology.yaml
                BIZFLOW_WEBHOOK_SECRET: ${BIZFLOW_WEBHOOK_SECRET:-change-me}
              volumes:
                - ../Topology:/etc/bizflow:ro
              depends_on:
                setup: { condition: service_completed_successfully }

            services:
              kafka:
                image: apache/kafka:3.9.0
                environment:
                  KAFKA_NODE_ID: 1
                  KAFKA_PROCESS_ROLES: broker,controller
                  KAFKA_LISTENERS: PLAINTEXT://:9092,CONTROLLER://:9093
                  KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092
                  KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER
                  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                  KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9093
                  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1
                  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1
                  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1
                  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0
                healthcheck:
                  test: ["CMD-SHELL", "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null"]
                  interval: 5s
                  retries: 30

              postgres:
                image: postgres:16
                environment:
                  POSTGRES_USER: bizflow
                  POSTGRES_PASSWORD: bizflow
                  POSTGRES_DB: bizflow
                healthcheck:
                  test: ["CMD-SHELL", "pg_isready -U bizflow"]
                  interval: 5s
                  retries: 30
                volumes:
                  - pgdata:/var/lib/postgresql/data

              # Topics (one broker here: replication 1) and the PostgreSQL schema; both idempotent.
              setup:
                <<: *bizflow
                restart: "no"
                entrypoint: ["sh", "-c", "bizflow topology apply --replication 1 && bizflow projections migrate"]
                depends_on:
                  kafka: { condition: service_healthy }
                  postgres: { condition: service_healthy }


            """
        for tier in tiers {  // every tier, the projector included
            text += """
                  # \(tier.name): consumes \(tier.consumes.joined(separator: ", ")) (at most \(partitions(of: tier)) busy replicas)
                  \(tier.name):
                    <<: *bizflow
                    command: ["run", "\(tier.name)", "--metrics-port", "\(options.metricsPort)", "--metrics-host", "0.0.0.0"]


                """
        }
        text += """
              gateway:
                <<: *bizflow
                command: ["serve", "--host", "0.0.0.0", "--port", "\(options.gatewayPort)"]
                ports:
                  - "\(options.gatewayPort):\(options.gatewayPort)"

            volumes:
              pgdata: {}

            """
        return text
    }
}
