package io.avmon.cli.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, on loopback. It runs the
 * production server code path, so the demo and the tests exercise a real broker: real transactions, real
 * read_committed isolation, real partitions.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final String bootstrapServers;
    private final String internalBootstrapServers;

    private EmbeddedKafka(
            KafkaRaftServer server,
            Path dataDir,
            boolean deleteOnClose,
            String bootstrapServers,
            String internalBootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.bootstrapServers = bootstrapServers;
        this.internalBootstrapServers = internalBootstrapServers;
    }

    /** Starts a broker on a free loopback port with its data in a temporary folder that is deleted on close. */
    public static EmbeddedKafka startOnFreePort() throws IOException {
        return start("127.0.0.1", freePort(), Files.createTempDirectory("avmon-kafka"), true);
    }

    /**
     * Starts a broker whose clients connect to {@code host:port}. Fails with a one-line message when the port is
     * taken, rather than half-starting.
     */
    public static EmbeddedKafka start(String host, int port, Path dataDir, boolean deleteOnClose) throws IOException {
        return start(host, port, dataDir, deleteOnClose, "PLAINTEXT", Map.of());
    }

    /**
     * Starts a broker on a free loopback port whose clients connect with {@code clientProtocol} (SSL, SASL_PLAINTEXT,
     * SASL_SSL), as a managed Kafka service asks them to. The listener is named CLIENT, so {@code brokerSettings}
     * configure it as {@code listener.name.client.*}. The broker's own traffic and {@link #admin()} use a second,
     * plaintext listener, so the broker needs no credentials of its own and a test can create users through it.
     */
    public static EmbeddedKafka startSecuredOnFreePort(String clientProtocol, Map<String, String> brokerSettings)
            throws IOException {
        return start(
                "127.0.0.1",
                freePort(),
                Files.createTempDirectory("avmon-kafka"),
                true,
                clientProtocol,
                brokerSettings);
    }

    private static EmbeddedKafka start(
            String host,
            int port,
            Path dataDir,
            boolean deleteOnClose,
            String clientProtocol,
            Map<String, String> brokerSettings)
            throws IOException {
        ensurePortFree(host, port);
        int controllerPort = freePortOtherThan(port);
        Files.createDirectories(dataDir);
        String logDir = dataDir.resolve("log").toString();
        boolean plaintext = clientProtocol.equals("PLAINTEXT");
        String internal = plaintext ? host + ":" + port : host + ":" + freePortOtherThan(port, controllerPort);

        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        if (plaintext) {
            props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            props.put(
                    "listeners",
                    "CLIENT://" + host + ":" + port + ",INTERNAL://" + internal + ",CONTROLLER://" + host + ":"
                            + controllerPort);
            props.put("advertised.listeners", "CLIENT://" + host + ":" + port + ",INTERNAL://" + internal);
            props.put("inter.broker.listener.name", "INTERNAL");
            props.put(
                    "listener.security.protocol.map",
                    "CLIENT:" + clientProtocol + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        }
        props.put("controller.listener.names", "CONTROLLER");
        props.put("log.dirs", logDir);
        // One broker: every internal topic must be satisfied by a single replica, or transactions never initialise.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "2");
        props.put("auto.create.topics.enable", "false");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        // Flink's exactly-once sink asks for 10 min; keep the broker's ceiling at Kafka's own default of 15 min.
        props.put(
                "transaction.max.timeout.ms",
                String.valueOf(Duration.ofMinutes(15).toMillis()));
        props.putAll(brokerSettings);

        KafkaConfig config = KafkaConfig.fromProps(props, false);
        // Storage formatted by an earlier start keeps its cluster id: a broker restarted on its data resumes it.
        boolean formatted = Files.exists(Path.of(logDir, "meta.properties"));
        try {
            if (!formatted) {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setClusterId(Uuid.randomUuid().toString())
                        .setNodeId(1)
                        .setDirectories(List.of(logDir))
                        .setMetadataLogDirectory(logDir)
                        .setControllerListenerName("CONTROLLER")
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setReleaseVersion(MetadataVersion.latestProduction())
                        .setIgnoreFormatted(true)
                        .run();
            }
        } catch (Exception e) {
            throw new IOException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, dataDir, deleteOnClose, host + ":" + port, internal);
        kafka.awaitReady();
        return kafka;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the topics that do not exist yet. */
    public void createTopics(Collection<String> names, int partitions) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = names.stream()
                    .filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, partitions, (short) 1))
                    .toList();
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot create topics " + names + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** An admin client on the broker's plaintext listener (the client listener itself when that is plaintext). */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                internalBootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        throw new IOException("embedded Kafka did not become ready within " + READY_TIMEOUT.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /**
     * A free port that is none of {@code taken}: ports chosen a moment ago are not bound yet, and the system may
     * hand the same one out again, which would give two listeners one port.
     */
    private static int freePortOtherThan(int... taken) throws IOException {
        while (true) {
            int port = freePort();
            if (Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    private static void ensurePortFree(String host, int port) throws IOException {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IOException(
                    "port " + host + ":" + port + " is in use (is another broker or demo running?); "
                            + "choose another with --kafka-port",
                    e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder left behind is harmless; never fail a shutdown over it.
        }
    }
}
