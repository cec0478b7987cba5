package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheme allow-list, against real FFmpeg: local-file protocols are refused, at the top and underneath. */
class InputSchemesTest {
    @TempDir
    static Path dir;

    private static Clip clip;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(3)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("clip.ts"));
    }

    @Test
    void schemeIsWhatFfmpegWouldOpenTheInputWith() {
        assertThat(InputSchemes.schemeOf("udp://@:5000")).isEqualTo("udp");
        assertThat(InputSchemes.schemeOf("file:/etc/passwd")).isEqualTo("file");
        assertThat(InputSchemes.schemeOf("concat:/a.ts|/b.ts")).isEqualTo("concat");
        assertThat(InputSchemes.schemeOf("subfile,,start,0,end,100,,:/etc/passwd"))
                .isEqualTo("subfile");
        assertThat(InputSchemes.schemeOf("Pipe:0")).isEqualTo("pipe");
        assertThat(InputSchemes.schemeOf("/media/clip.ts")).isNull();
        assertThat(InputSchemes.schemeOf("clips/morning.ts")).isNull();
    }

    @Test
    void localFileProtocolsAreRefusedByDefaultInOneLine() {
        for (String input : new String[] {
            "file:" + clip.file(),
            "concat:" + clip.file() + "|" + clip.file(),
            "subfile,,start,0,end,0,,:" + clip.file()
        }) {
            assertThatThrownBy(() -> MediaConverter.open(input, ConverterOptions.forStream("s")))
                    .isInstanceOfSatisfying(
                            MediaInputException.class,
                            e -> assertThat(e.isPermanent()).isTrue())
                    .hasMessageStartingWith(input + ": scheme '")
                    .hasMessageContaining("' is not allowed (allowed: http,https,rtmp,rtmps,rtp,rtsp,srt,tcp,udp;")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aPlainPathOpensAndAFileUrlOpensOnceConfigured() throws Exception {
        assertThat(countRecords(clip.file().toString(), InputSchemes.DEFAULT)).isGreaterThan(40);
        assertThat(countRecords("file:" + clip.file(), InputSchemes.parse("udp,file")))
                .isGreaterThan(40);
    }

    @Test
    void anHttpPlaylistCannotReachALocalFileUnlessFileIsAllowed() throws Exception {
        // A playlist served over HTTP whose one segment is a local file: FFmpeg's HLS demuxer would read it.
        String playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
                + "#EXTINF:2.0,\nfile:" + clip.file() + "\n#EXT-X-ENDLIST\n";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/live.m3u8", exchange -> {
            byte[] body = playlist.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.apple.mpegurl");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/live.m3u8";

            assertThat(countRecordsOrZeroIfRefused(url, InputSchemes.DEFAULT))
                    .as("no picture from the local file")
                    .isZero();
            assertThat(countRecordsOrZeroIfRefused(url, InputSchemes.parse(InputSchemes.DEFAULT_LIST + ",file")))
                    .as("file on the list: the segment is read")
                    .isGreaterThan(40);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aListEntryThatIsNotASchemeIsRejected() {
        assertThatThrownBy(() -> InputSchemes.parse("udp, s r t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a URL scheme: 's r t' in 'udp, s r t'");
    }

    private static int countRecordsOrZeroIfRefused(String input, InputSchemes schemes) throws Exception {
        try {
            return countRecords(input, schemes);
        } catch (MediaInputException refused) {
            return 0;
        }
    }

    private static int countRecords(String input, InputSchemes schemes) throws Exception {
        int records = 0;
        try (MediaConverter converter = MediaConverter.open(input, new ConverterOptions("s", 1, schemes))) {
            for (SpecificRecord record = converter.next(); record != null; record = converter.next()) {
                records++;
            }
        }
        return records;
    }
}
