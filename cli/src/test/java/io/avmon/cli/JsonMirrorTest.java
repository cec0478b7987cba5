package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON mirror topics as a Kafka SQL tool reads them: the production job writes a stream's defects and health,
 * then README's Flink SQL block, run as it stands, reads them back from avmon.defects.json and avmon.health.json.
 */
class JsonMirrorTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(CREATE TABLE.*?)```", Pattern.DOTALL);
    private static final String STREAM = "mirror";

    @TempDir
    Path dir;

    @Test
    void readmesFlinkSqlReadsTheSameDefectsFromTheJsonMirrorAsTheAvroTopicHolds() throws Exception {
        List<String> statements = readmeSqlStatements();
        assertThat(statements).hasSize(4);

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            // One partition: an empty partition would hold the watermark back, and the health windows with it, until
            // idle.
            kafka.createTopics(Topics.ALL, 1);
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--checkpoint-interval-ms",
                "500",
                "--starting-offsets",
                "earliest",
                "--parallelism",
                "1",
                "--defects-json-topic",
                Topics.DEFECTS_JSON,
                "--health-json-topic",
                Topics.HEALTH_JSON
            }));
            JobClient job = env.executeAsync("avmon json mirror");
            try {
                // 15 s in real time: at least one 10 s health window closes while the stream still runs.
                Clip clip = ClipWriter.write(
                        ClipSpec.builder()
                                .seed(21)
                                .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                                .segment(8, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .build(),
                        dir.resolve("mirror.ts"));
                try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                    new StreamRunner(
                                    StreamRunner.Options.of(clip.file().toString(), STREAM)
                                            .withRealtime(true),
                                    publisher)
                            .run();
                }
                CommittedDefects.readClosed(kafka.bootstrapServers(), 1, Duration.ofSeconds(60));
                List<DefectEvent> avro = CommittedDefects.readToEnd(kafka.bootstrapServers(), Topics.DEFECTS);
                assertThat(avro).extracting(DefectEvent::getDefectType).contains(DefectType.BLACK_FRAMES);

                TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
                for (String statement : statements.subList(0, 2)) {
                    sql.executeSql(bounded(statement, kafka.bootstrapServers()));
                }
                List<Row> defects = rows(sql, statements.get(2));
                assertThat(defects.stream()
                                // README's query: streamId, defectType, state, severity, startMediaTimeMs,
                                // endMediaTimeMs
                                .map(row -> row.getField(0) + " " + row.getField(1) + " " + row.getField(2) + " "
                                        + row.getField(4) + " " + row.getField(5))
                                .sorted())
                        .as("the JSON mirror's defects, as Flink SQL reads them")
                        .containsExactlyElementsOf(avro.stream()
                                .map(event -> event.getStreamId() + " " + event.getDefectType() + " "
                                        + event.getState() + " " + event.getStartMediaTimeMs() + " "
                                        + event.getEndMediaTimeMs())
                                .sorted()
                                .toList());

                List<Row> health = awaitRows(sql, statements.get(3));
                assertThat(health).hasSize(1);
                // streamId, mostOpenDefects, lowestFrameRate
                assertThat(health.get(0).getField(0)).isEqualTo(STREAM);
                assertThat((Double) health.get(0).getField(2)).isBetween(20.0, 30.0);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** README's Flink SQL block, statement by statement, its comments dropped. */
    private static List<String> readmeSqlStatements() throws Exception {
        Matcher block = SQL_BLOCK.matcher(Files.readString(README));
        assertThat(block.find())
                .as("README has a ```sql block starting with CREATE TABLE")
                .isTrue();
        return Arrays.stream(block.group(1).split(";"))
                .map(statement -> statement
                        .lines()
                        .filter(line -> !line.strip().startsWith("--"))
                        .collect(Collectors.joining("\n"))
                        .strip())
                .filter(statement -> !statement.isEmpty())
                .toList();
    }

    /** The same table, against the test's broker, read up to the offsets at the start of each query. */
    private static String bounded(String createTable, String bootstrapServers) {
        String table = createTable
                .replace("'127.0.0.1:9092'", "'" + bootstrapServers + "'")
                .replace(
                        "'scan.startup.mode' = 'earliest-offset'",
                        "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'");
        assertThat(table).contains(bootstrapServers).contains("'scan.bounded.mode'");
        return table;
    }

    private static List<Row> rows(TableEnvironment sql, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = sql.executeSql(query).collect()) {
            result.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** Health is committed with the checkpoint after its window closes: ask again until it is there. */
    private static List<Row> awaitRows(TableEnvironment sql, String query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Row> rows = rows(sql, query);
        while (rows.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            rows = rows(sql, query);
        }
        return rows;
    }
}
