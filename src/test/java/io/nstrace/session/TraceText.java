package io.nstrace.session;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The task column of an instance's text {@code trace} file: comm and host PID of each event line. */
record TraceText(List<String> comms, List<Integer> pids) {
    private static final Pattern TASK = Pattern.compile("^\\s*(.+?)-(\\d+)\\s+(\\(\\s*[-\\d]+\\)\\s+)?\\[\\d+\\]");

    static TraceText parse(String trace) {
        List<String> comms = new ArrayList<>();
        List<Integer> pids = new ArrayList<>();
        for (String line : trace.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = TASK.matcher(line);
            if (m.find()) {
                comms.add(m.group(1).strip());
                pids.add(Integer.parseInt(m.group(2)));
            }
        }
        return new TraceText(comms, pids);
    }

    List<Integer> pidsOf(String comm) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < comms.size(); i++) {
            if (comms.get(i).equals(comm) && !out.contains(pids.get(i))) {
                out.add(pids.get(i));
            }
        }
        return out;
    }
}
