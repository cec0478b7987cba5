package io.avmon.job.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.job.audio.LoudnessStandard;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.Range;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.detect.AvSyncDetector;
import io.avmon.job.detect.BlackFrameDetector;
import io.avmon.job.detect.LoudnessDetector;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileYamlTest {

    private static final String NEWSROOM = """
            description: news channels
            defaults:
              black-frames:
                min-duration: 5s
                min-black-pixel-share: 0.9
              loudness-violation:
                standard: ATSC_A85
            streams:
              news-1:
                frozen-frames: { enabled: false }
                av-sync-offset: { max-audio-late: 40ms, max-audio-early: 60ms, severity: critical }
              sport-2:
                black-frames: { recovery-hold-off: 2.5s }
            """;

    @Test
    void defaultsApplyOverTheBuiltInProfileAndStreamsOverTheDefaults() {
        ProfileBook book = ProfileYaml.parse(NEWSROOM);

        DetectionProfile defaults = book.defaults();
        assertThat(defaults.policy(DefectType.BLACK_FRAMES).minDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.thresholds(DefectType.BLACK_FRAMES, BlackFrameDetector.Thresholds.class)
                        .minBlackPixelShare())
                .isEqualTo(0.9);
        assertThat(defaults.thresholds(DefectType.LOUDNESS_VIOLATION, LoudnessDetector.Thresholds.class)
                        .targetLufs())
                .isEqualTo(LoudnessStandard.ATSC_A85.targetLufs());
        assertThat(defaults.policy(DefectType.FROZEN_FRAMES))
                .isEqualTo(DefectKind.defaultProfile().policy(DefectType.FROZEN_FRAMES));

        DetectionProfile news = book.forStream("news-1");
        assertThat(news.policy(DefectType.FROZEN_FRAMES).enabled()).isFalse();
        assertThat(news.thresholds(DefectType.AV_SYNC_OFFSET, AvSyncDetector.Thresholds.class)
                        .maxAudioLate())
                .isEqualTo(Duration.ofMillis(40));
        assertThat(news.thresholds(DefectType.AV_SYNC_OFFSET, AvSyncDetector.Thresholds.class)
                        .maxAudioEarly())
                .isEqualTo(Duration.ofMillis(60));
        assertThat(news.policy(DefectType.AV_SYNC_OFFSET).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(news.policy(DefectType.BLACK_FRAMES).minDuration())
                .as("inherits the defaults section")
                .isEqualTo(Duration.ofSeconds(5));

        DetectionProfile sport = book.forStream("sport-2");
        assertThat(sport.policy(DefectType.BLACK_FRAMES).recoveryHoldOff()).isEqualTo(Duration.ofMillis(2500));
        assertThat(sport.policy(DefectType.BLACK_FRAMES).minDuration()).isEqualTo(Duration.ofSeconds(5));

        assertThat(book.forStream("anything-else")).isSameAs(defaults);
        assertThat(book.overriddenStreams()).containsExactly("news-1", "sport-2");
    }

    @Test
    void formattedDefaultsReadBackAsTheBuiltInProfile() {
        String document = ProfileYaml.format(DefectKind.defaultProfile());

        assertThat(ProfileYaml.parse(document).defaults()).isEqualTo(DefectKind.defaultProfile());
        for (DefectType type : DefectType.values()) {
            assertThat(document).contains("  " + ProfileYaml.typeKey(type) + ":\n");
        }
    }

    @Test
    void shippedSampleProfileParses() throws Exception {
        Path sample = Path.of("..", "deploy", "profiles", "avmon-profile.yaml");
        ProfileBook book = ProfileYaml.read(sample);
        assertThat(book.defaults()).isNotNull();
    }

    /** Every thresholds component of the built-in profile, with the type it belongs to. */
    private static List<Map.Entry<DefectType, RecordComponent>> thresholdComponents() {
        List<Map.Entry<DefectType, RecordComponent>> components = new ArrayList<>();
        for (DefectType type : DefectType.values()) {
            DetectorThresholds thresholds = DefectKind.defaultProfile().thresholds(type);
            if (thresholds != null) {
                for (RecordComponent component : thresholds.getClass().getRecordComponents()) {
                    components.add(Map.entry(type, component));
                }
            }
        }
        return components;
    }

    @Test
    void everyThresholdCanBeSetFromYaml() {
        DetectionProfile defaults = DefectKind.defaultProfile();
        for (Map.Entry<DefectType, RecordComponent> entry : thresholdComponents()) {
            DefectType type = entry.getKey();
            // Each component restated at its default value must read back unchanged: every type has a YAML form.
            String value = ProfileYaml.format(defaults)
                    .lines()
                    .dropWhile(line -> !line.equals("  " + ProfileYaml.typeKey(type) + ":"))
                    .filter(line -> line.startsWith(
                            "    " + ProfileYaml.kebab(entry.getValue().getName()) + ":"))
                    .findFirst()
                    .orElseThrow();
            String document = "defaults:\n  " + ProfileYaml.typeKey(type) + ":\n" + value + "\n";
            assertThat(ProfileYaml.parse(document).defaults()).as(document).isEqualTo(defaults);
        }
    }

    @Test
    void rejectsAThresholdOutsideItsRangeNamingThePathAndTheRange() {
        // A share runs from 0 to 1: 95 is a percentage written where a share belongs, never a stricter threshold.
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  black-frames: { min-black-pixel-share: 95 }\n"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessage("defaults.black-frames.min-black-pixel-share: 95 is out of range (0 to 1)");
        assertThatThrownBy(() -> ProfileYaml.parse("streams:\n  news:\n    frozen-frames: { min-still: 2min }\n"))
                .hasMessage("streams.news.frozen-frames.min-still: 120s is out of range (0s to 60s)");
    }

    @Test
    void everyThresholdDeclaresARangeThatHoldsItsDefault() throws Exception {
        for (Map.Entry<DefectType, RecordComponent> entry : thresholdComponents()) {
            RecordComponent component = entry.getValue();
            if (component.getType() != boolean.class) {
                assertThat(component.getAnnotation(Range.class))
                        .as("range of %s", component)
                        .isNotNull();
            }
            Object defaultValue =
                    component.getAccessor().invoke(DefectKind.defaultProfile().thresholds(entry.getKey()));
            assertThat(DetectorThresholds.outOfRange(component, defaultValue))
                    .as("default of %s", component)
                    .isNull();
        }
    }

    @Test
    void aStandardMovesTheTargetAndExplicitThresholdsStillWin() {
        ProfileBook book = ProfileYaml.parse("""
                defaults:
                  loudness-violation: { standard: atsc-a85, target-lufs: -27 }
                """);
        assertThat(book.defaults()
                        .thresholds(DefectType.LOUDNESS_VIOLATION, LoudnessDetector.Thresholds.class)
                        .targetLufs())
                .isEqualTo(-27.0);
    }

    @Test
    void rejectsAMisspelledSettingNamingItsPathAndTheKnownOnes() {
        assertThatThrownBy(() -> ProfileYaml.parse("""
                streams:
                  news-1:
                    frozen-frames: { min-durration: 3s }
                """))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageStartingWith("streams.news-1.frozen-frames.min-durration: unknown setting")
                .hasMessageContaining("min-duration")
                .hasMessageContaining("max-frame-difference");
    }

    @Test
    void rejectsAnUnknownDefectType() {
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  black-frame: { enabled: false }\n"))
                .hasMessageStartingWith("defaults.black-frame: unknown defect type")
                .hasMessageContaining("black-frames");
    }

    @Test
    void rejectsADurationWithoutAUnit() {
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  black-frames: { min-duration: 3 }\n"))
                .hasMessage(
                        "defaults.black-frames.min-duration: must be a duration with a unit (500ms, 3s, 2min, 1h), not \"3\"");
    }

    @Test
    void rejectsAFractionWhereAWholeNumberIsNeeded() {
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  frame-drop: { history-frames: 12.5 }\n"))
                .hasMessage("defaults.frame-drop.history-frames: must be a whole number, not 12.5");
    }

    @Test
    void rejectsThresholdsTheirDetectorRefuses() {
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  av-sync-offset: { min-pairs: 50 }\n"))
                .hasMessage("defaults.av-sync-offset: invalid A/V sync thresholds");
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  black-frames: { min-duration: -1s }\n"))
                .isInstanceOf(InvalidProfileException.class);
    }

    @Test
    void rejectsAnUnknownSeverityListingTheKnownOnes() {
        assertThatThrownBy(() -> ProfileYaml.parse("defaults:\n  black-frames: { severity: urgent }\n"))
                .hasMessage("defaults.black-frames.severity: must be one of MINOR, MAJOR, CRITICAL, not \"urgent\"");
    }

    @Test
    void rejectsBrokenYamlWithItsLineAndColumn() {
        assertThatThrownBy(() ->
                        ProfileYaml.parse("defaults:\n  black-frames:\n    enabled: false\n   min-duration: 3s\n"))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageStartingWith("not valid YAML at line 4, column ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsADuplicatedStream() {
        assertThatThrownBy(() -> ProfileYaml.parse("streams:\n  a: {}\n  a: {}\n"))
                .hasMessageStartingWith("not valid YAML at line 3")
                .hasMessageContaining("duplicate key a");
    }

    @Test
    void rejectsAnEmptyDocumentAndNamesTheWayToRestoreDefaults() {
        assertThatThrownBy(() -> ProfileYaml.parse("  \n# nothing\n"))
                .hasMessageContaining("the profile is empty")
                .hasMessageContaining("defaults: {}");
        assertThat(ProfileYaml.parse("defaults: {}").defaults()).isEqualTo(DefectKind.defaultProfile());
    }

    @Test
    void rejectsAListWhereSettingsBelong() {
        assertThatThrownBy(() -> ProfileYaml.parse("streams:\n  - news-1\n"))
                .hasMessage("streams: must be a mapping of settings, not a list");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ProfileYaml.read(missing)).hasMessage(missing + ": no such profile file");
    }

    @Test
    void errorsInAFileLeadWithTheFileName(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("p.yaml"), "defaults:\n  av-sync-offset: { max-audio-late: soon }\n");
        assertThatThrownBy(() -> ProfileYaml.read(file))
                .hasMessageStartingWith(file + ": defaults.av-sync-offset.max-audio-late: must be a duration");
    }

    @Test
    void theRevisionNamesTheDocument() {
        assertThat(ProfileYaml.parse(NEWSROOM).revision())
                .hasSize(12)
                .isEqualTo(ProfileYaml.parse(NEWSROOM).revision());
        assertThat(ProfileYaml.parse("defaults: {}").revision())
                .isNotEqualTo(ProfileYaml.parse(NEWSROOM).revision());
    }
}
