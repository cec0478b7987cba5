package io.avmon.job.profile;

import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads and writes profile documents:
 * <pre>
 * description: news channels, EBU        # optional, free text
 * defaults:                              # applied over the built-in defaults, for every stream
 *   black-frames:
 *     min-duration: 5s
 *   loudness-violation:
 *     standard: ATSC_A85
 * streams:                               # per stream id, applied over the defaults above
 *   news-1:
 *     frozen-frames: { enabled: false }
 *     av-sync-offset: { max-audio-late: 40ms, max-audio-early: 60ms }
 * </pre>
 * A section is keyed by defect type in kebab case ({@code black-frames}, {@code av-sync-offset}, ...). Each type
 * takes {@code enabled}, {@code min-duration}, {@code recovery-hold-off} and {@code severity}, plus its detector's
 * thresholds under their names in kebab case ({@link #format} lists them all with their defaults);
 * {@code loudness-violation} also takes {@code standard} (EBU_R128, ATSC_A85). Durations carry a unit: 500ms, 3s,
 * 2min. Anything unknown, mistyped or out of range rejects the whole document, with the path of the setting in
 * the message: a typo must never fall back to a default silently.
 */
public final class ProfileYaml {
    private static final List<String> POLICY_KEYS = List.of("enabled", "min-duration", "recovery-hold-off", "severity");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|min|h)");

    private ProfileYaml() {}

    /** Reads a profile file; the file's name leads any error message. */
    public static ProfileBook read(Path file) throws IOException {
        String document;
        try {
            document = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidProfileException(file + ": no such profile file");
        } catch (MalformedInputException e) {
            throw new InvalidProfileException(file + ": not UTF-8 text");
        }
        try {
            return parse(document);
        } catch (InvalidProfileException e) {
            throw new InvalidProfileException(file + ": " + e.getMessage());
        }
    }

    /** Reads a profile document, or throws {@link InvalidProfileException} saying what is wrong and where. */
    public static ProfileBook parse(String document) {
        Map<String, Object> root = asMap(load(document), "the document");
        DetectionProfile defaults = DefectKind.defaultProfile();
        Map<String, DetectionProfile> streams = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : root.entrySet()) {
            switch (entry.getKey()) {
                case "description" -> {}
                case "defaults" -> defaults = applySection(defaults, entry.getValue(), "defaults");
                case "streams" -> {}
                default ->
                    throw new InvalidProfileException(
                            entry.getKey() + ": unknown top-level key (known: description, defaults, streams)");
            }
        }
        if (root.containsKey("streams")) {
            Map<String, Object> overrides = asMap(root.get("streams"), "streams");
            for (Map.Entry<String, Object> stream : overrides.entrySet()) {
                String path = "streams." + stream.getKey();
                streams.put(stream.getKey(), applySection(defaults, stream.getValue(), path));
            }
        }
        return new ProfileBook(defaults, streams, ProfileBook.revisionOf(document));
    }

    private static Object load(String document) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(10);
        try {
            Object root = new Yaml(new SafeConstructor(options)).load(document);
            if (root == null) {
                throw new InvalidProfileException(
                        "the profile is empty (to restore the built-in defaults, send \"defaults: {}\")");
            }
            return root;
        } catch (MarkedYAMLException e) {
            String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
            throw new InvalidProfileException(
                    "not valid YAML at line " + (e.getProblemMark().getLine() + 1) + ", column "
                            + (e.getProblemMark().getColumn() + 1) + ": " + oneLine(problem));
        } catch (YAMLException e) {
            throw new InvalidProfileException("not valid YAML: " + oneLine(e.getMessage()));
        }
    }

    private static DetectionProfile applySection(DetectionProfile base, Object section, String path) {
        DetectionProfile profile = base;
        if (section == null) {
            return profile;
        }
        for (Map.Entry<String, Object> entry : asMap(section, path).entrySet()) {
            DefectType type = typeOf(entry.getKey(), path);
            profile = applyType(
                    profile, type, asMap(entry.getValue(), path + "." + entry.getKey()), path + "." + entry.getKey());
        }
        return profile;
    }

    private static DetectionProfile applyType(
            DetectionProfile profile, DefectType type, Map<String, Object> settings, String path) {
        DetectionProfile.Policy policy = profile.policy(type);
        boolean enabled = policy.enabled();
        Duration minDuration = policy.minDuration();
        Duration holdOff = policy.recoveryHoldOff();
        Severity severity = policy.severity();
        DetectorThresholds thresholds = profile.thresholds(type);
        Map<String, Object> thresholdSettings = new LinkedHashMap<>();
        for (Map.Entry<String, Object> setting : settings.entrySet()) {
            String key = setting.getKey();
            String at = path + "." + key;
            Object value = setting.getValue();
            switch (key) {
                case "enabled" -> enabled = (Boolean) typed(value, Boolean.class, at);
                case "min-duration" -> minDuration = duration(value, at);
                case "recovery-hold-off" -> holdOff = duration(value, at);
                case "severity" -> severity = constant(Severity.class, value, at);
                default -> {
                    DefectKind.Preset<?> preset = DefectKind.of(type).preset();
                    if (preset != null && key.equals(preset.key())) {
                        thresholds = applyPreset(preset, thresholds, value, at);
                    } else if (thresholds != null && componentNames(thresholds).contains(key)) {
                        thresholdSettings.put(key, value);
                    } else {
                        throw new InvalidProfileException(at + ": unknown setting (known: "
                                + String.join(", ", knownKeys(type, thresholds)) + ")");
                    }
                }
            }
        }
        DetectionProfile updated =
                profile.withPolicy(type, new DetectionProfile.Policy(enabled, minDuration, holdOff, severity));
        if (thresholds != null) {
            updated = updated.withThresholds(type, withComponents(thresholds, thresholdSettings, path));
        }
        return updated;
    }

    /** Thresholds with the preset's constant named by {@code value} applied; thresholds set beside it still win. */
    private static <E extends Enum<E>> DetectorThresholds applyPreset(
            DefectKind.Preset<E> preset, DetectorThresholds thresholds, Object value, String at) {
        return preset.apply().apply(thresholds, constant(preset.values(), value, at));
    }

    /**
     * A copy of a thresholds record with the given components replaced, each checked against its {@link
     * io.avmon.job.core.Range}, then the whole by the record's own constructor.
     */
    private static DetectorThresholds withComponents(
            DetectorThresholds thresholds, Map<String, Object> settings, String path) {
        RecordComponent[] components = thresholds.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                String key = kebab(components[i].getName());
                if (settings.containsKey(key)) {
                    values[i] = convert(settings.get(key), types[i], path + "." + key);
                    String outOfRange = DetectorThresholds.outOfRange(components[i], values[i]);
                    if (outOfRange != null) {
                        throw new InvalidProfileException(path + "." + key + ": " + outOfRange);
                    }
                } else {
                    values[i] = components[i].getAccessor().invoke(thresholds);
                }
            }
            Constructor<?> canonical = thresholds.getClass().getDeclaredConstructor(types);
            return (DetectorThresholds) canonical.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new InvalidProfileException(
                    path + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "thresholds " + thresholds.getClass().getName() + " are not a plain record", e);
        }
    }

    private static Object convert(Object value, Class<?> type, String at) {
        if (type == double.class) {
            Number n = (Number) typed(value, Number.class, at);
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new InvalidProfileException(at + ": must be a finite number, not " + value);
            }
            return d;
        }
        if (type == int.class || type == long.class) {
            Object n = typed(value, Number.class, at);
            if (!(n instanceof Integer || n instanceof Long)) {
                throw new InvalidProfileException(at + ": must be a whole number, not " + value);
            }
            long l = ((Number) n).longValue();
            if (type == int.class && (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)) {
                throw new InvalidProfileException(at + ": out of range: " + value);
            }
            return type == int.class ? (Object) (int) l : (Object) l;
        }
        if (type == boolean.class) {
            return typed(value, Boolean.class, at);
        }
        if (type == Duration.class) {
            return duration(value, at);
        }
        throw new IllegalStateException(at + ": no YAML form for " + type);
    }

    private static Object typed(Object value, Class<?> type, String at) {
        if (!type.isInstance(value)) {
            String expected =
                    type == Boolean.class ? "true or false" : type == Number.class ? "a number" : type.getSimpleName();
            throw new InvalidProfileException(at + ": must be " + expected + ", not " + describe(value));
        }
        return value;
    }

    static Duration duration(Object value, String at) {
        Matcher m = value instanceof String s ? DURATION.matcher(s.trim()) : null;
        if (m == null || !m.matches()) {
            throw new InvalidProfileException(
                    at + ": must be a duration with a unit (500ms, 3s, 2min, 1h), not " + describe(value));
        }
        double amount = Double.parseDouble(m.group(1));
        long unitMs = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "min" -> 60_000;
            default -> 3_600_000;
        };
        return Duration.ofNanos(Math.round(amount * unitMs * 1_000_000));
    }

    private static <E extends Enum<E>> E constant(Class<E> type, Object value, String at) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
            if (value instanceof String s
                    && constant.name().equals(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return constant;
            }
        }
        throw new InvalidProfileException(
                at + ": must be one of " + String.join(", ", names) + ", not " + describe(value));
    }

    private static DefectType typeOf(String key, String path) {
        for (DefectType type : DefectType.values()) {
            if (typeKey(type).equals(key)) {
                return type;
            }
        }
        List<String> known = new ArrayList<>();
        for (DefectType type : DefectType.values()) {
            known.add(typeKey(type));
        }
        throw new InvalidProfileException(
                path + "." + key + ": unknown defect type (known: " + String.join(", ", known) + ")");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String at) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidProfileException(at + ": must be a mapping of settings, not " + describe(value));
        }
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            byName.put(String.valueOf(entry.getKey()), entry.getValue());
        }
        return byName;
    }

    /** {@code BLACK_FRAMES} as the document names it: {@code black-frames}. */
    public static String typeKey(DefectType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<String> knownKeys(DefectType type, DetectorThresholds thresholds) {
        List<String> keys = new ArrayList<>(POLICY_KEYS);
        if (DefectKind.of(type).preset() != null) {
            keys.add(DefectKind.of(type).preset().key());
        }
        if (thresholds != null) {
            keys.addAll(componentNames(thresholds));
        }
        return keys;
    }

    private static List<String> componentNames(DetectorThresholds thresholds) {
        List<String> names = new ArrayList<>();
        for (RecordComponent component : thresholds.getClass().getRecordComponents()) {
            names.add(kebab(component.getName()));
        }
        return names;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map || value instanceof List) {
            return value instanceof Map ? "a mapping" : "a list";
        }
        return "\"" + oneLine(String.valueOf(value)) + "\"";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /**
     * {@code profile} as a document's {@code defaults} section, every setting spelled out and each threshold's valid
     * range as a comment: what {@code avmon profile defaults} prints, and the starting point of a profile file.
     */
    public static String format(DetectionProfile profile) {
        StringBuilder out = new StringBuilder("defaults:\n");
        for (DefectType type : DefectType.values()) {
            DetectionProfile.Policy policy = profile.policy(type);
            out.append("  ").append(typeKey(type)).append(":\n");
            out.append("    enabled: ").append(policy.enabled()).append('\n');
            out.append("    min-duration: ")
                    .append(DetectorThresholds.format(policy.minDuration()))
                    .append('\n');
            out.append("    recovery-hold-off: ")
                    .append(DetectorThresholds.format(policy.recoveryHoldOff()))
                    .append('\n');
            out.append("    severity: ").append(policy.severity()).append('\n');
            DetectorThresholds thresholds = profile.thresholds(type);
            if (thresholds == null) {
                continue;
            }
            for (RecordComponent component : thresholds.getClass().getRecordComponents()) {
                Object value;
                try {
                    value = component.getAccessor().invoke(thresholds);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                out.append("    ")
                        .append(kebab(component.getName()))
                        .append(": ")
                        .append(value instanceof Duration d ? DetectorThresholds.format(d) : String.valueOf(value));
                String range = DetectorThresholds.range(component);
                out.append(range == null ? "" : "    # " + range).append('\n');
            }
        }
        return out.toString();
    }
}
