package org.pathways.scripts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pathways.scripts.DataScripts.tree;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.Cityscapes;
import org.pathways.data.SampleCityscapes;

/**
 * data-scripts/fetch-cityscapes.sh, offline: against a file:// folder holding two small zips in the layout of the
 * real packages (gtFine/{train,val}/..., leftImg8bit/{val,test}/..., README, license.txt), and against a local HTTP
 * server that logs in and serves packages the way cityscapesScripts' csDownload expects the site to.
 */
class FetchCityscapesScriptTest {
    private static final String GTFINE = "gtFine_trainvaltest.zip";
    private static final String LEFT = "leftImg8bit_trainvaltest.zip";

    @TempDir
    Path tmp;

    private Path mirror;
    private Path source;
    private String gtFineMd5;
    private String leftMd5;

    @BeforeEach
    void buildZips() throws Exception {
        source = SampleCityscapes.write(tmp.resolve("src"), 4, 2);
        Path gt = tmp.resolve("gt");
        copyTree(source.resolve("gtFine"), gt.resolve("gtFine"));
        Files.createDirectories(gt.resolve("gtFine/train/bonn"));
        Files.writeString(gt.resolve("gtFine/train/bonn/bonn_000000_000019_gtFine_labelIds.png"), "not extracted");
        Files.writeString(gt.resolve("license.txt"), "licence");
        Files.writeString(gt.resolve("README"), "readme");
        Path left = tmp.resolve("left");
        copyTree(source.resolve("leftImg8bit"), left.resolve("leftImg8bit"));
        Files.createDirectories(left.resolve("leftImg8bit/test/berlin"));
        Files.writeString(left.resolve("leftImg8bit/test/berlin/berlin_000000_000019_leftImg8bit.png"), "not extracted");
        Files.writeString(left.resolve("license.txt"), "licence");
        mirror = tmp.resolve("mirror");
        DataScripts.zip(mirror.resolve(GTFINE), gt);
        DataScripts.zip(mirror.resolve(LEFT), left);
        gtFineMd5 = DataScripts.md5(mirror.resolve(GTFINE));
        leftMd5 = DataScripts.md5(mirror.resolve(LEFT));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        for (String f : tree(from)) {
            Files.createDirectories(to.resolve(f).getParent());
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }

    private DataScripts.Result fetch(Path dataDir, String site, Map<String, String> extra, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATHWAYS_DATA_DIR", dataDir.toString());
        env.put("PATHWAYS_CITYSCAPES_URL", site);
        env.put("PATHWAYS_CITYSCAPES_GTFINE_MD5", gtFineMd5);
        env.put("PATHWAYS_CITYSCAPES_LEFTIMG8BIT_MD5", leftMd5);
        env.putAll(extra);
        return DataScripts.run("fetch-cityscapes.sh", env, args);
    }

    private DataScripts.Result fetch(Path dataDir, String... args) throws Exception {
        return fetch(dataDir, "file://" + mirror, Map.of(), args);
    }

    /** What the val split of the fixture holds: its gtFine and leftImg8bit files, and nothing of train or test. */
    private List<String> expectedTree() throws Exception {
        List<String> files = new java.util.ArrayList<>(List.of(GTFINE, LEFT, "cityscapes.lock", "gtFine/.pathways-extracted"));
        for (String f : tree(source)) if (f.startsWith("gtFine/") || f.startsWith("leftImg8bit/")) files.add(f);
        return files.stream().sorted().toList();
    }

    @Test
    void extractsTheValSplitRecordsTheLockAndIsIdempotentWithoutALogin() throws Exception {
        Path data = tmp.resolve("data");
        DataScripts.Result first = fetch(data);
        assertEquals(0, first.code(), first.output());
        Path dir = data.resolve("cityscapes");
        assertEquals(expectedTree(), tree(dir));
        String lock = Files.readString(dir.resolve("cityscapes.lock"));
        assertTrue(lock.startsWith(GTFINE + " md5 " + gtFineMd5 + " sha256 " + DataScripts.sha256(mirror.resolve(GTFINE))), lock);
        assertTrue(lock.contains(LEFT + " md5 " + leftMd5 + " sha256 "), lock);

        // the loader reads it where it looks by default, with the source's labels
        Cityscapes set = Cityscapes.open(data);
        assertEquals(Cityscapes.open(source).ids(), set.ids());
        assertEquals(4, set.ids().size());
        for (String id : set.ids()) assertArrayEquals(Cityscapes.open(source).load(id).labels(), set.load(id).labels(), id);

        // done: no credentials and no site needed
        DataScripts.Result again = fetch(data, "https://www.cityscapes-dataset.com", Map.of());
        assertEquals(0, again.code(), again.output());
        assertTrue(again.output().contains("nothing to do"), again.output());
        assertEquals(lock, Files.readString(dir.resolve("cityscapes.lock")));
        assertFalse(Files.list(dir).anyMatch(f -> f.getFileName().toString().startsWith(".extract")), "no staging left");
    }

    @Test
    void missingCredentialsAreOneLineAndExitTwo() throws Exception {
        DataScripts.Result r = fetch(tmp.resolve("data"), "https://www.cityscapes-dataset.com", Map.of("CITYSCAPES_USERNAME", "ada"));
        assertEquals(2, r.code(), r.output());
        assertEquals(1, r.output().strip().lines().count(), r.output());
        assertTrue(r.output().contains("CITYSCAPES_USERNAME and CITYSCAPES_PASSWORD must be set"), r.output());
        assertFalse(Files.exists(tmp.resolve("data/cityscapes/" + GTFINE + ".part")), "nothing fetched");
    }

    @Test
    void resumesFromAPartialDownload() throws Exception {
        Path dir = tmp.resolve("data/cityscapes");
        Files.createDirectories(dir);
        byte[] whole = Files.readAllBytes(mirror.resolve(LEFT));
        Files.write(dir.resolve(LEFT + ".part"), Arrays.copyOf(whole, whole.length / 3));
        DataScripts.Result r = fetch(tmp.resolve("data"));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("resuming from byte " + whole.length / 3), r.output());
        // curl's own word that it appended to the .part rather than starting over
        assertTrue(r.output().contains("Resuming transfer from byte position " + whole.length / 3), r.output());
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve(LEFT)));
        assertEquals(4, Cityscapes.open(dir).ids().size());
    }

    @Test
    void aWrongChecksumIsRefusedAndTheDownloadDeleted() throws Exception {
        DataScripts.Result r = fetch(tmp.resolve("data"), "file://" + mirror, Map.of("PATHWAYS_CITYSCAPES_LEFTIMG8BIT_MD5", "0123456789abcdef0123456789abcdef"));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("md5 " + leftMd5 + " does not match 0123456789abcdef0123456789abcdef"), r.output());
        Path dir = tmp.resolve("data/cityscapes");
        assertFalse(Files.exists(dir.resolve(LEFT)));
        assertFalse(Files.exists(dir.resolve(LEFT + ".part")));
        assertFalse(Files.exists(dir.resolve("leftImg8bit")));
        assertFalse(Files.exists(dir.resolve("gtFine")));
    }

    @Test
    void neverReplacesAFolderItDidNotMake() throws Exception {
        Path mine = tmp.resolve("data/cityscapes/gtFine/mine.txt");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "keep");
        DataScripts.Result r = fetch(tmp.resolve("data"));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("was not made by this script"), r.output());
        assertEquals(List.of("mine.txt"), tree(mine.getParent()));
    }

    /**
     * A stand-in for the site as csDownload talks to it: GET /login sets a session cookie; a POST of the right
     * username, password and submit=Login answers 302 and marks the session logged in; /file-handling/?packageID=N
     * serves package N to a logged-in session and sends anyone else back to /login.
     */
    private HttpServer site(String username, String password, List<String> requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Map<String, Boolean> sessions = new java.util.concurrent.ConcurrentHashMap<>();
        server.createContext("/login", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + body);
            String session = cookie(ex);
            if (session == null) {
                session = "s" + sessions.size();
                sessions.put(session, false);
                ex.getResponseHeaders().add("Set-Cookie", "sessionid=" + session + "; Path=/");
            }
            if ("POST".equals(ex.getRequestMethod())) {
                Map<String, String> form = new HashMap<>();
                for (String pair : body.split("&")) {
                    String[] kv = pair.split("=", 2);
                    form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
                if (username.equals(form.get("username")) && password.equals(form.get("password")) && "Login".equals(form.get("submit"))) {
                    sessions.put(session, true);
                    ex.getResponseHeaders().add("Location", "/");
                    ex.sendResponseHeaders(302, -1);
                    ex.close();
                    return;
                }
            }
            send(ex, 200, "<html>login form</html>".getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/file-handling/", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            String session = cookie(ex);
            String query = String.valueOf(ex.getRequestURI().getQuery());
            Path zip = query.equals("packageID=1") ? mirror.resolve(GTFINE) : query.equals("packageID=3") ? mirror.resolve(LEFT) : null;
            if (session == null || !sessions.getOrDefault(session, false) || zip == null) {
                ex.getResponseHeaders().add("Location", "/login");
                ex.sendResponseHeaders(302, -1);
                ex.close();
                return;
            }
            send(ex, 200, Files.readAllBytes(zip));
        });
        server.start();
        return server;
    }

    private static String cookie(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Cookie");
        if (header == null) return null;
        for (String c : header.split(";\\s*")) if (c.startsWith("sessionid=")) return c.substring("sessionid=".length());
        return null;
    }

    private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Test
    void logsInAsCsDownloadDoesAndDownloadsThePackagesWithTheSession() throws Exception {
        String password = "p&ss w=rd%+";
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = site("ada", password, requests);
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path data = tmp.resolve("data");
            DataScripts.Result wrong = fetch(data, base, Map.of("CITYSCAPES_USERNAME", "ada", "CITYSCAPES_PASSWORD", "guess"));
            assertEquals(1, wrong.code(), wrong.output());
            assertTrue(wrong.output().contains("login refused"), wrong.output());
            assertFalse(requests.stream().anyMatch(q -> q.contains("file-handling")), "no download without a login: " + requests);
            assertFalse(wrong.output().contains("guess"), "the password is never printed");

            DataScripts.Result r = fetch(data, base, Map.of("CITYSCAPES_USERNAME", "ada", "CITYSCAPES_PASSWORD", password));
            assertEquals(0, r.code(), r.output());
            assertEquals(4, Cityscapes.open(data).ids().size());
            assertTrue(requests.contains("GET /file-handling/?packageID=1") && requests.contains("GET /file-handling/?packageID=3"), requests.toString());
            String lock = Files.readString(data.resolve("cityscapes/cityscapes.lock"));
            assertTrue(lock.contains(GTFINE + " md5 " + gtFineMd5) && lock.contains(base + "/file-handling/?packageID=1"), lock);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void helpDocumentsTheLoginAndTheEnvironment() throws Exception {
        DataScripts.Result r = fetch(tmp.resolve("data"), "--help");
        assertEquals(0, r.code(), r.output());
        for (String s : List.of("CITYSCAPES_USERNAME", "CITYSCAPES_PASSWORD", "PATHWAYS_CITYSCAPES_URL", "packageID", "4237c19de34c8a376e9ba46b495d6f66",
                "0a6e97e94b616a514066c9e2adb0c97f")) {
            assertTrue(r.output().contains(s), s + " in " + r.output());
        }
        assertFalse(Files.exists(tmp.resolve("data")), "--help touches nothing");
        assertEquals(2, fetch(tmp.resolve("data"), "--bogus").code());
    }
}
