package io.nstrace.kube;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;

import java.util.Locale;

/**
 * One TARGET of {@code nstrace kube record}/{@code ps}, as kubectl spells them: {@code pod/NAME} or a bare
 * {@code NAME} (a pod), {@code deploy/NAME} (its pods), {@code node/NAME} (every container there).
 */
public record Target(Kind kind, String name) {
    public enum Kind { POD, DEPLOYMENT, NODE }

    public Target {
        if (name == null || name.isEmpty()) {
            throw new NstraceException(ExitCodes.USAGE, "empty name in target '" + kind.name().toLowerCase(Locale.ROOT)
                    + "/'");
        }
    }

    public static Target parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Target(Kind.POD, text);
        }
        String type = text.substring(0, slash).toLowerCase(Locale.ROOT);
        String name = text.substring(slash + 1);
        if (name.indexOf('/') >= 0) {
            throw new NstraceException(ExitCodes.USAGE, "bad target '" + text
                    + "': give pod/NAME, NAME, deploy/NAME or node/NAME (and -n NAMESPACE)");
        }
        return switch (type) {
            case "pod", "pods", "po" -> new Target(Kind.POD, name);
            case "deploy", "deployment", "deployments" -> new Target(Kind.DEPLOYMENT, name);
            case "node", "nodes", "no" -> new Target(Kind.NODE, name);
            default -> throw new NstraceException(ExitCodes.USAGE, "unknown target type '" + type + "' in '" + text
                    + "': give pod/NAME, NAME, deploy/NAME or node/NAME");
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case POD -> "pod/" + name;
            case DEPLOYMENT -> "deploy/" + name;
            case NODE -> "node/" + name;
        };
    }
}
