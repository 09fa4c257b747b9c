package io.nstrace.tracefs;

import io.nstrace.error.NstraceException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves {@code -e} arguments against the kernel's {@code available_events}: {@code system:event},
 * {@code system} (every event of it), and globs ({@code sched:sched_*}, {@code syscalls:sys_enter_open*},
 * {@code *:*_exit}). An argument that matches nothing is refused with the nearest known name as a hint.
 */
public final class EventSelector {
    private final List<EventId> available;

    public EventSelector(List<EventId> available) {
        this.available = List.copyOf(available);
    }

    /** The selected events in argument order, each once. */
    public List<EventId> resolve(List<String> specs) {
        Set<EventId> out = new LinkedHashSet<>();
        for (String spec : specs) {
            List<EventId> hits = matches(spec.strip());
            if (hits.isEmpty()) {
                throw NstraceException.user("unknown event '" + spec + "'"
                        + suggestion(spec.strip()).map(s -> ", did you mean " + s + "?").orElse(""));
            }
            out.addAll(hits);
        }
        return List.copyOf(out);
    }

    List<EventId> matches(String spec) {
        if (spec.isEmpty()) {
            return List.of();
        }
        int colon = spec.indexOf(':');
        Pattern system = glob(colon < 0 ? spec : spec.substring(0, colon));
        Pattern event = glob(colon < 0 ? "*" : spec.substring(colon + 1));
        List<EventId> hits = new ArrayList<>();
        for (EventId id : available) {
            if (system.matcher(id.system()).matches() && event.matcher(id.event()).matches()) {
                hits.add(id);
            }
        }
        return hits;
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** The closest system or system:event name, when it is close enough to be a likely typo. */
    Optional<String> suggestion(String spec) {
        boolean whole = spec.indexOf(':') >= 0;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        Set<String> seen = new LinkedHashSet<>();
        for (EventId id : available) {
            String candidate = whole ? id.toString() : id.system();
            if (!seen.add(candidate)) {
                continue;
            }
            int d = distance(spec.replace("*", ""), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, spec.length() / 4) ? Optional.of(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
