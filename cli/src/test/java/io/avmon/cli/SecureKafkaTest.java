package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.cli.notify.WebhookBridge;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.profile.ProfileYaml;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.KafkaClientProperties;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * avmon against a broker that takes clients only over SASL/SCRAM-SHA-512 inside TLS, as managed Kafka services do:
 * the broker's certificate is made here with the JDK's keytool, and every avmon process gets the same client
 * properties file. Secrets are checked against everything avmon and its libraries log while they work.
 */
class SecureKafkaTest {
    private static final String USER = "avmon";
    private static final String PASSWORD = "scram-Pa55-7f3c";
    private static final String STORE_PASSWORD = "store-Pa55-91ab";
    private static final String WRONG_PASSWORD = "wrong-Pa55-0d2e";

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static Path clientProperties;

    @BeforeAll
    static void startBrokerWithScramOverTls() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        Path certificate = dir.resolve("broker.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=IP:127.0.0.1,DNS:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-keypass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore.toString(),
                "-storepass",
                STORE_PASSWORD);

        kafka = EmbeddedKafka.startSecuredOnFreePort(
                "SASL_SSL",
                Map.of(
                        "listener.name.client.ssl.keystore.type",
                        "PKCS12",
                        "listener.name.client.ssl.keystore.location",
                        keystore.toString(),
                        "listener.name.client.ssl.keystore.password",
                        STORE_PASSWORD,
                        "listener.name.client.ssl.key.password",
                        STORE_PASSWORD,
                        "listener.name.client.sasl.enabled.mechanisms",
                        "SCRAM-SHA-512",
                        "listener.name.client.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
        kafka.createTopics(Topics.ALL, 1);
        kafka.admin()
                .alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                        USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD)))
                .all()
                .get();

        clientProperties = Files.writeString(
                dir.resolve("client.properties"),
                String.join(
                        "\n",
                        "security.protocol=SASL_SSL",
                        "sasl.mechanism=SCRAM-SHA-512",
                        "sasl.jaas.config=" + jaas(PASSWORD),
                        "ssl.truststore.type=PKCS12",
                        "ssl.truststore.location=" + truststore,
                        "ssl.truststore.password=" + STORE_PASSWORD,
                        ""));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void convertJobAndDefectReadersWorkOverScramAndTlsAndNoLogLineHoldsASecret() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(11)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("secure.ts"));
        Map<String, String> clientSettings = KafkaClientProperties.read(clientProperties, List.of());
        StringWriter logs = new StringWriter();
        Appender capture = captureLogsAtInfo(logs);
        BlockingQueue<String> posted = new LinkedBlockingQueue<>();
        HttpServer receiver = receiver(posted);
        StringWriter bridgeLog = new StringWriter();
        WebhookBridge bridge = new WebhookBridge(
                new WebhookBridge.Settings(
                        kafka.bootstrapServers(),
                        clientSettings,
                        Topics.DEFECTS,
                        "secure-notify",
                        true,
                        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
                        dir.resolve("notify.state"),
                        Duration.ofMillis(50),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(10)),
                new PrintWriter(bridgeLog, true));
        Thread bridgeThread = new Thread(bridge::run, "secure-notify");
        JobClient job = null;
        try {
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            JobOptions options = JobOptions.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--kafka-properties", clientProperties.toString(),
                "--checkpoint-interval-ms", "500",
                "--starting-offsets", "earliest",
                "--parallelism", "1"
            });
            AvmonJob.define(env, options);
            job = env.executeAsync("avmon secure");
            bridgeThread.start();

            AnalyzeCommandTest.Result profile = AnalyzeCommandTest.run(
                    "profile",
                    "publish",
                    profileFile().toString(),
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--kafka-properties",
                    clientProperties.toString());
            assertThat(profile.exitCode()).as(profile.err()).isEqualTo(ExitCodes.OK);
            AnalyzeCommandTest.Result convert = AnalyzeCommandTest.run(
                    "convert",
                    clip.file().toString(),
                    "--stream-id",
                    "secure",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--kafka-properties",
                    clientProperties.toString());
            assertThat(convert.exitCode()).as(convert.err()).isEqualTo(ExitCodes.OK);

            List<DefectEvent> closed =
                    CommittedDefects.readClosed(kafka.bootstrapServers(), clientSettings, 1, Duration.ofSeconds(120));
            assertThat(closed).extracting(DefectEvent::getDefectType).containsExactly(DefectType.BLACK_FRAMES);
            List<String> bodies = new ArrayList<>();
            while (bodies.stream().noneMatch(body -> body.contains("\"CLOSED\""))) {
                String body = posted.poll(60, TimeUnit.SECONDS);
                assertThat(body)
                        .as("a webhook post within 60 s; so far " + bodies)
                        .isNotNull();
                bodies.add(body);
            }
            assertThat(bodies).allSatisfy(body -> assertThat(body).contains("\"BLACK_FRAMES\""));
            assertThat(options.toString()).contains("sasl.jaas.config=[hidden]");
            assertThat(options.toString() + bridgeLog + convert.err() + profile.out())
                    .doesNotContain(PASSWORD, STORE_PASSWORD);
        } finally {
            bridge.stop();
            bridgeThread.join();
            receiver.stop(0);
            if (job != null) {
                job.cancel().get();
            }
            stopCapturing(capture);
        }
        // The capture saw the Kafka clients' configuration dumps, in which Kafka hides its secrets itself.
        assertThat(logs.toString()).contains("sasl.jaas.config = [hidden]", "ssl.truststore.password = [hidden]");
        assertThat(logs.toString()).doesNotContain(PASSWORD, STORE_PASSWORD);
    }

    @Test
    void aWrongPasswordFailsEachCommandInOneLineThatNamesNeitherPassword() throws Exception {
        List<AnalyzeCommandTest.Result> results = List.of(
                withWrongPassword("convert", dir.resolve("any.ts").toString()),
                withWrongPassword("profile", "publish", profileFile().toString()),
                withWrongPassword(
                        "notify",
                        "--webhook",
                        "http://127.0.0.1:9/hook",
                        "--state-file",
                        dir.resolve("wrong.state").toString()));

        assertThat(results).allSatisfy(result -> {
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(result.err().strip())
                    .startsWith("avmon: Kafka rejected the credentials at " + kafka.bootstrapServers() + ": ")
                    .contains("SCRAM-SHA-512")
                    .doesNotContain("\n", WRONG_PASSWORD, PASSWORD, STORE_PASSWORD);
        });
    }

    /** Runs avmon with {@code args}, the broker, the client properties and a wrong password over them. */
    private static AnalyzeCommandTest.Result withWrongPassword(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--kafka-properties",
                clientProperties.toString(),
                "--kafka-property",
                "sasl.jaas.config=" + jaas(WRONG_PASSWORD)));
        return AnalyzeCommandTest.run(all.toArray(String[]::new));
    }

    private static Path profileFile() throws IOException {
        Path file = dir.resolve("profile.yaml");
        if (!Files.exists(file)) {
            Files.writeString(file, ProfileYaml.format(DefectKind.defaultProfile()));
        }
        return file;
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER + "\" password=\""
                + password + "\";";
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("keytool " + args[0] + ": " + output).isZero();
    }

    private static HttpServer receiver(BlockingQueue<String> posted) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Sends the Kafka clients', Flink's and avmon's own INFO logging to {@code into} (and not to the console). */
    private static Appender captureLogsAtInfo(StringWriter into) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        org.apache.logging.log4j.core.config.Configuration config = context.getConfiguration();
        Appender appender = WriterAppender.newBuilder()
                .setName("secret-capture")
                .setTarget(into)
                .setLayout(PatternLayout.newBuilder().withPattern("%c: %m%n").build())
                .build();
        appender.start();
        config.addAppender(appender);
        for (String name : List.of("org.apache.kafka", "kafka", "org.apache.flink", "io.avmon")) {
            LoggerConfig logger = new LoggerConfig(name, Level.INFO, false);
            logger.addAppender(appender, Level.INFO, null);
            config.removeLogger(name);
            config.addLogger(name, logger);
        }
        context.updateLoggers();
        return appender;
    }

    private static void stopCapturing(Appender appender) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.reconfigure();
        appender.stop();
    }
}
