extension Topology {
    /// Kubernetes manifests (file name → contents) for `ops/k8s/`: configuration and secrets, a Deployment and a
    /// KEDA ScaledObject per tier (scaling on its group's lag, at most one replica per partition), the gateway with
    /// its Service, a Job that creates the topics and migrates PostgreSQL, and a kustomization listing them.
    public func kubernetes(_ options: DeploymentOptions) -> [String: String] {
        [
            "config.yaml": kubernetesConfig(options),
            "tiers.yaml": kubernetesTiers(options),
            "gateway.yaml": kubernetesGateway(options),
            "setup-job.yaml": kubernetesSetupJob(options),
            "kustomization.yaml": DeploymentOptions.header("k8s") + """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - config.yaml
                  - setup-job.yaml
                  - tiers.yaml
                  - gateway.yaml

                """,
        ]
    }

    private func labels(_ component: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return "\(pad)app.kubernetes.io/name: bizflow\n\(pad)app.kubernetes.io/component: \(component)\n"
    }

    /// The container spec lines every Bizflow pod shares (image, env, topology volume mount), at 10 spaces.
    private func container(_ name: String, args: [String], port: (name: String, number: Int), options: DeploymentOptions) -> String {
        let quoted = args.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
                    - name: \(name)
                      image: \(options.image)
                      args: [\(quoted)]
                      env:
                        - name: POD_NAME
                          valueFrom: { fieldRef: { fieldPath: metadata.name } }
                      envFrom:
                        - configMapRef: { name: bizflow-env }
                        - secretRef: { name: bizflow-secrets }
                      ports:
                        - { name: \(port.name), containerPort: \(port.number) }
                      livenessProbe:
                        httpGet: { path: /healthz, port: \(port.name) }
                        periodSeconds: 10
                      resources:
                        requests: { cpu: 250m, memory: 256Mi }
                        limits: { memory: 1Gi }
                      volumeMounts:
                        - { name: topology, mountPath: /etc/bizflow, readOnly: true }

            """
    }

    private func podTemplate(_ component: String, container: String, options: DeploymentOptions, port: Int) -> String {
        """
          template:
            metadata:
              labels:
        \(labels(component, indent: 8))      annotations:
                prometheus.io/scrape: "true"
                prometheus.io/port: "\(port)"
            spec:
              # SIGTERM: the tier finishes its batch, commits and leaves the group; give it time.
              terminationGracePeriodSeconds: 60
              containers:
        \(container)      volumes:
                - name: topology
                  configMap: { name: bizflow-topology }

        """
    }

    func kubernetesTiers(_ options: DeploymentOptions) -> String {
        var text = DeploymentOptions.header("k8s")
        for tier in tiers {  // every tier, the projector included
            let name = Self.workloadName(tier)
            let args = [
                "run", tier.name, "--instance", "$(POD_NAME)", "--metrics-port", "\(options.metricsPort)", "--metrics-host",
                "0.0.0.0",
            ]
            text += """
                ---
                # \(tier.name): consumes \(tier.consumes.joined(separator: ", "))
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: \(name)
                  labels:
                \(labels(tier.name, indent: 4))spec:
                  replicas: 1
                  selector:
                    matchLabels:
                \(labels(tier.name, indent: 6))\(podTemplate(tier.name, container: container(tier.name, args: args, port: ("metrics", options.metricsPort), options: options), options: options, port: options.metricsPort))---
                # Scales \(name) on its consumer group's lag; more replicas than partitions would sit idle.
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: \(name)
                spec:
                  scaleTargetRef:
                    name: \(name)
                  minReplicaCount: 1
                  maxReplicaCount: \(partitions(of: tier))
                  triggers:

                """
            for topic in tier.consumes {
                text += """
                        - type: kafka
                          metadata:
                            bootstrapServersFromEnv: KAFKA_BOOTSTRAP_SERVERS
                            consumerGroup: \(tier.group)
                            topic: \(topic)
                            lagThreshold: "\(options.lagThreshold)"
                            offsetResetPolicy: earliest
                            allowIdleConsumers: "false"
                          authenticationRef:
                            name: bizflow-kafka

                    """
            }
        }
        return text
    }

    func kubernetesGateway(_ options: DeploymentOptions) -> String {
        let args = ["serve", "--host", "0.0.0.0", "--port", "\(options.gatewayPort)"]
        return DeploymentOptions.header("k8s") + """
            ---
            # The HTTP gateway: ingestion, HITL commands, reads, /metrics, /healthz, /readyz. Stateless: scale freely.
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: bizflow-gateway
              labels:
            \(labels("gateway", indent: 4))spec:
              replicas: 2
              selector:
                matchLabels:
            \(labels("gateway", indent: 6))\(podTemplate("gateway", container: container("gateway", args: args, port: ("http", options.gatewayPort), options: options), options: options, port: options.gatewayPort))---
            apiVersion: v1
            kind: Service
            metadata:
              name: bizflow-gateway
              labels:
            \(labels("gateway", indent: 4))spec:
              selector:
            \(labels("gateway", indent: 4))  ports:
                - { name: http, port: 80, targetPort: http }

            """
    }

    func kubernetesSetupJob(_ options: DeploymentOptions) -> String {
        DeploymentOptions.header("k8s") + """
            ---
            # Creates the topology's missing topics and migrates PostgreSQL; both are idempotent: rerun on every release.
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: bizflow-setup
              labels:
            \(labels("setup", indent: 4))spec:
              backoffLimit: 10
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: setup
                      image: \(options.image)
                      command: ["sh", "-c", "bizflow topology apply && bizflow projections migrate"]
                      envFrom:
                        - configMapRef: { name: bizflow-env }
                        - secretRef: { name: bizflow-secrets }
                      volumeMounts:
                        - { name: topology, mountPath: /etc/bizflow, readOnly: true }
                  volumes:
                    - name: topology
                      configMap: { name: bizflow-topology }

            """
    }

    func kubernetesConfig(_ options: DeploymentOptions) -> String {
        var text = DeploymentOptions.header("k8s") + """
            ---
            # Where Kafka is, and which topology file the processes read (mounted from bizflow-topology).
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: bizflow-env
            data:
              KAFKA_BOOTSTRAP_SERVERS: "kafka-bootstrap.kafka:9093"
              BIZFLOW_TOPOLOGY: /etc/bizflow/topology.yaml
            ---
            # Secrets: replace every value (or create the Secret with your own tooling and delete this one).
            # KAFKA_CONFIG_<librdkafka key, dots as underscores> passes any client setting, e.g. SASL/TLS.
            apiVersion: v1
            kind: Secret
            metadata:
              name: bizflow-secrets
            type: Opaque
            stringData:
              DATABASE_URL: "postgresql://bizflow:change-me@postgres:5432/bizflow?sslmode=require"
              BIZFLOW_WEBHOOK_SECRET: "change-me"
              KAFKA_CONFIG_SECURITY_PROTOCOL: "SASL_SSL"
              KAFKA_CONFIG_SASL_MECHANISMS: "SCRAM-SHA-512"
              KAFKA_CONFIG_SASL_USERNAME: "bizflow"
              KAFKA_CONFIG_SASL_PASSWORD: "change-me"
            ---
            # The same credentials for KEDA's Kafka scaler (it reads consumer-group lag).
            apiVersion: v1
            kind: Secret
            metadata:
              name: bizflow-kafka-auth
            type: Opaque
            stringData:
              sasl: "scram_sha512"
              username: "bizflow"
              password: "change-me"
              tls: "enable"
            ---
            apiVersion: keda.sh/v1alpha1
            kind: TriggerAuthentication
            metadata:
              name: bizflow-kafka
            spec:
              secretTargetRef:
                - { parameter: sasl, name: bizflow-kafka-auth, key: sasl }
                - { parameter: username, name: bizflow-kafka-auth, key: username }
                - { parameter: password, name: bizflow-kafka-auth, key: password }
                - { parameter: tls, name: bizflow-kafka-auth, key: tls }
            ---
            # The topology and the domain configuration beside it (Topology/*.yaml).
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: bizflow-topology
            data:

            """
        for file in options.configFiles.sorted(by: { $0.name < $1.name }) {
            text += "  \(file.name): |\n"
            for line in file.contents.split(separator: "\n", omittingEmptySubsequences: false).dropLast(file.contents.hasSuffix("\n") ? 1 : 0) {
                text += line.isEmpty ? "\n" : "    \(line)\n"
            }
        }
        return text
    }
}
