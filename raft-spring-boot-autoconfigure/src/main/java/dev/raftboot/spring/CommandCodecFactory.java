package dev.raftboot.spring;

/**
 * Makes the {@link CommandCodec} for a command type. The auto-configuration provides one over the
 * application's Jackson {@code JsonMapper}; declare a bean of this type to use another encoding.
 */
@FunctionalInterface
public interface CommandCodecFactory {
  <C> CommandCodec<C> codecFor(Class<C> commandType);
}
