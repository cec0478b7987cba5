package io.avmon.converter;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serves {@link ConverterMetrics} over HTTP for Prometheus: {@code /metrics}, and {@code /-/healthy} for container
 * health checks. Listens on every interface, as a container's port must.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** The port deploy/k8s/podmonitors.yaml and deploy/prometheus/prometheus.yml scrape (OpenTelemetry's default). */
    public static final String DEFAULT_PORT = "9464";

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * @throws UncheckedIOException "cannot serve metrics on port N: cause" when the port is taken
     */
    public static MetricsEndpoint start(int port, ConverterMetrics metrics) {
        try {
            return new MetricsEndpoint(
                    HTTPServer.builder().port(port).registry(metrics.registry()).buildAndStart());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
