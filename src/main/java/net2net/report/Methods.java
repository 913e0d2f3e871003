package net2net.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * How methods are named, coloured and ordered in figures and tables. Colours are from the
 * Okabe–Ito palette, which stays distinguishable under the common forms of colour blindness.
 */
public final class Methods {
    static final String NET2NET = "net2net";
    static final String RANDOM_PAD = "random_pad";
    static final String RANDOM_INIT = "random_init";
    static final String TEACHER = "teacher";

    private static final List<String> KNOWN = List.of(NET2NET, RANDOM_PAD, RANDOM_INIT, TEACHER);

    private static final Map<String, String> NAMES = Map.of(
            NET2NET,
            "Net2Net",
            RANDOM_PAD,
            "Random pad",
            RANDOM_INIT,
            "Random init",
            TEACHER,
            "Teacher",
            "net2net_early_teacher",
            "Net2Net from the early teacher",
            "net2net_constant_lr",
            "Net2Net, constant rate (ablation)",
            "teacher_early",
            "Early teacher");

    private static final Map<String, Color> COLORS = Map.of(
            NET2NET, new Color(0x0072B2), // blue
            RANDOM_PAD, new Color(0xE69F00), // orange
            RANDOM_INIT, new Color(0xD55E00), // vermillion
            TEACHER, new Color(0x000000)); // black

    /** Colours for methods without a fixed one, handed out in order of appearance. */
    private static final List<Color> EXTRA = List.of(
            new Color(0x009E73), // bluish green
            new Color(0xCC79A7), // reddish purple
            new Color(0x56B4E9), // sky blue
            new Color(0x999999), // grey
            new Color(0xF0E442)); // yellow (last: weak on white)

    private Methods() {}

    /** "Net2Net", "Random pad", ...; an unknown key is shown with underscores as spaces. */
    public static String displayName(String method) {
        return NAMES.getOrDefault(method, method.replace('_', ' '));
    }

    /** Known methods first in the fixed order, then the others in order of first appearance. */
    static List<String> order(Collection<String> methods) {
        LinkedHashSet<String> distinct = new LinkedHashSet<>(methods);
        List<String> ordered = new ArrayList<>();
        for (String m : KNOWN) {
            if (distinct.remove(m)) {
                ordered.add(m);
            }
        }
        ordered.addAll(distinct);
        return ordered;
    }

    /** One colour per method of {@code ordered} (as returned by {@link #order}), index-aligned. */
    static List<Color> colors(List<String> ordered) {
        List<Color> colors = new ArrayList<>();
        int extra = 0;
        for (String m : ordered) {
            Color c = COLORS.get(m);
            colors.add(c != null ? c : EXTRA.get(extra++ % EXTRA.size()));
        }
        return colors;
    }
}
