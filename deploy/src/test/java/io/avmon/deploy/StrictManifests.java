package io.avmon.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;

/**
 * Kubernetes manifests held to the model classes of their APIs: the Flink Kubernetes Operator's, Strimzi's, and
 * fabric8's for Kubernetes itself and the Prometheus operator. A field the model does not know fails.
 *
 * <p>Binding alone does not show a misspelt field: fabric8's and Strimzi's models keep unknown fields in
 * {@code additionalProperties} (an any-setter), and a model may ignore unknown fields. So a document passes only if
 * binding succeeds, nothing anywhere in the bound object sits in {@code additionalProperties}, and writing the object
 * back gives every field of the document with its value (nothing was dropped or reinterpreted).
 */
final class StrictManifests {
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The kinds avmon's manifests use, and the class each binds to. */
    static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "FlinkDeployment", FlinkDeployment.class,
            "KafkaTopic", KafkaTopic.class,
            "Deployment", Deployment.class,
            "PodMonitor", PodMonitor.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class);

    private StrictManifests() {}

    /** Every YAML document of a file (documents separated by ---). */
    static List<JsonNode> documents(Path file) {
        try (var parser = YAML.getFactory().createParser(Files.readString(file))) {
            List<JsonNode> documents = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** What is wrong with one document; empty when it is valid for its kind's model. */
    static List<String> problems(JsonNode document) {
        String kind = document.path("kind").asText();
        Class<? extends HasMetadata> model = MODELS.get(kind);
        if (model == null) {
            return List.of("kind " + kind + " is none of " + MODELS.keySet());
        }
        List<String> problems = new ArrayList<>();
        String apiVersion = HasMetadata.getApiVersion(model);
        if (!apiVersion.equals(document.path("apiVersion").asText())) {
            problems.add("apiVersion " + document.path("apiVersion").asText() + ", the model's is " + apiVersion);
        }
        JsonNode bindable = withFlinkVersionTheModelKnows(document);
        Object bound;
        try {
            bound = YAML.treeToValue(bindable, model);
        } catch (IOException e) {
            problems.add(e.getMessage().lines().findFirst().orElse(e.toString()));
            return problems;
        }
        leftOver(bound, kind, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        missingOrChanged(bindable, YAML.valueToTree(bound), kind, problems);
        return problems;
    }

    /**
     * The newest Flink operator API Maven serves here (1.10) predates Flink 2.x in its {@link FlinkVersion} enum;
     * the manifest names v2_2, as an operator of 1.13 or later takes it. Only that enum value is replaced, by the
     * model's newest, for binding; {@code KubernetesManifestsTest} checks the declared version against Flink's.
     */
    static JsonNode withFlinkVersionTheModelKnows(JsonNode document) {
        JsonNode declared = document.path("spec").path("flinkVersion");
        if (!"FlinkDeployment".equals(document.path("kind").asText()) || declared.isMissingNode()) {
            return document;
        }
        boolean known =
                Arrays.stream(FlinkVersion.values()).anyMatch(v -> v.name().equals(declared.asText()));
        if (known) {
            return document;
        }
        ObjectNode copy = document.deepCopy();
        ((ObjectNode) copy.get("spec"))
                .put("flinkVersion", FlinkVersion.current().name());
        return copy;
    }

    /** Fields the model did not know, kept by an any-setter somewhere in the bound object graph. */
    private static void leftOver(Object value, String path, List<String> problems, Set<Object> seen) {
        if (value == null || isScalar(value)) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                leftOver(item, path + "[" + index++ + "]", problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> leftOver(item, path + "." + key, problems, seen));
            return;
        }
        if (!seen.add(value)) {
            return;
        }
        Map<?, ?> additional = additionalProperties(value);
        if (!additional.isEmpty()) {
            problems.add(path + ": unknown field(s) " + additional.keySet() + " for "
                    + value.getClass().getSimpleName());
        }
        BeanDescription bean = YAML.getSerializationConfig().introspect(YAML.constructType(value.getClass()));
        for (BeanPropertyDefinition property : bean.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor != null) {
                accessor.fixAccess(true);
                leftOver(accessor.getValue(value), path + "." + property.getName(), problems, seen);
            }
        }
    }

    private static Map<?, ?> additionalProperties(Object value) {
        try {
            Method getter = value.getClass().getMethod("getAdditionalProperties");
            Object additional = getter.invoke(value);
            return additional instanceof Map<?, ?> map ? map : Map.of();
        } catch (NoSuchMethodException e) {
            return Map.of();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isScalar(Object value) {
        return value instanceof CharSequence
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Enum<?>
                || value.getClass().isPrimitive();
    }

    /** Every field of the document must come back, with its value, when the bound object is written out. */
    private static void missingOrChanged(JsonNode written, JsonNode readBack, String path, List<String> problems) {
        if (written.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = written.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode back = readBack.get(field.getKey());
                String fieldPath = path + "." + field.getKey();
                if (back == null || back.isNull() && !field.getValue().isNull()) {
                    problems.add(fieldPath + ": not part of the model (dropped when read)");
                } else {
                    missingOrChanged(field.getValue(), back, fieldPath, problems);
                }
            }
        } else if (written.isArray()) {
            if (!readBack.isArray() || readBack.size() != written.size()) {
                problems.add(path + ": list read back as " + readBack);
                return;
            }
            for (int i = 0; i < written.size(); i++) {
                missingOrChanged(written.get(i), readBack.get(i), path + "[" + i + "]", problems);
            }
        } else if (!sameScalar(written, readBack)) {
            problems.add(path + ": " + written + " read back as " + readBack);
        }
    }

    private static boolean sameScalar(JsonNode written, JsonNode readBack) {
        if (written.isNumber() && readBack.isNumber()) {
            return new BigDecimal(written.asText()).compareTo(new BigDecimal(readBack.asText())) == 0;
        }
        return !readBack.isContainerNode() && written.asText().equals(readBack.asText());
    }
}
