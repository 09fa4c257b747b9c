package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import picocli.CommandLine;
import picocli.CommandLine.IFactory;

import java.lang.reflect.Constructor;

/**
 * Creates commands and {@code completionCandidates} classes for picocli, handing the {@link AppContext} to every
 * class with a constructor that takes one ({@link ContainerCandidates}, {@link EventCandidates},
 * {@link NstraceCommand}); anything else goes to picocli's default factory. The no-argument constructor (a context
 * from the environment) is for build tools such as the man page generator.
 */
public final class ContextFactory implements IFactory {
    private final AppContext context;

    public ContextFactory() {
        this(AppContext.fromEnvironment());
    }

    public ContextFactory(AppContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        Constructor<K> withContext;
        try {
            withContext = cls.getDeclaredConstructor(AppContext.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(cls);
        }
        withContext.setAccessible(true);
        return withContext.newInstance(context);
    }
}
