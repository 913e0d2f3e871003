package net2net.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code style's one rule the formatter cannot apply (issue 13): no fully-qualified class names
 * written inline in code, where an import would do. The same pattern as scripts/no-inline-fqn.sh.
 */
@Fast
class NoInlineNamesTest {
    static final Pattern INLINE =
            Pattern.compile("(^|[^A-Za-z0-9_.\"])(java|javax|jdk|ai\\.djl|net2net|com\\.google|org"
                    + "|picocli|me\\.tongfei|net\\.jqwik|de\\.erichseifert)(\\.[a-z][a-z0-9_]*)+\\.[A-Z]");
    static final Pattern SKIPPED = Pattern.compile("^\\s*(import|package|\\*|/\\*|//).*");

    static List<String> inlineNames(Path sources) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (!SKIPPED.matcher(line).matches()
                            && INLINE.matcher(line).find()
                            && !line.contains("net.jqwik.api.Tag")) { // shares its simple name with JUnit's Tag
                        found.add(sources.relativize(f) + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void noSourceFileWritesAFullyQualifiedNameInline() throws IOException {
        Path src = Path.of("src");
        assertTrue(Files.isDirectory(src), "run from the project root");
        List<String> found = inlineNames(src);
        assertEquals(List.of(), found, "import these classes instead (scripts/no-inline-fqn.sh lists the same)");
    }

    // the samples are split in two so that this file does not match itself
    @Test
    void thePatternFindsAnInlineNameAndSkipsImportsAndComments() {
        assertTrue(INLINE.matcher("    java" + ".nio.file.Path p = null;").find());
        assertTrue(INLINE.matcher("x(ai" + ".djl.ndarray.NDArray a)").find());
        assertTrue(SKIPPED.matcher("import java" + ".nio.file.Path;").matches());
        assertTrue(SKIPPED.matcher("     * see java" + ".nio.file.Path").matches());
        assertTrue(!INLINE.matcher("    Path p = Path.of(\"java" + ".nio.file.Path\");")
                .find());
    }
}
