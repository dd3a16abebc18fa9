package dev.raftboot.spring;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Commands as JSON, through the application's Jackson {@link JsonMapper}. */
public final class JacksonCommandCodecFactory implements CommandCodecFactory {
  private final JsonMapper mapper;

  public JacksonCommandCodecFactory(JsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public <C> CommandCodec<C> codecFor(Class<C> type) {
    return new CommandCodec<>() {
      @Override
      public byte[] encode(C command) {
        return mapper.writeValueAsBytes(command);
      }

      @Override
      public C decode(byte[] bytes) {
        try {
          return mapper.readValue(bytes, type);
        } catch (JacksonException e) {
          throw new IllegalArgumentException(
              "not a JSON " + type.getName() + ": " + e.getOriginalMessage(), e);
        }
      }
    };
  }
}
