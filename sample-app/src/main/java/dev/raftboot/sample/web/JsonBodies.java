package dev.raftboot.sample.web;

import dev.raftboot.sample.SampleProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies as JSON values of bounded size. The body is read here rather than by a
 * message converter so that an oversized one is refused after {@code sample.max-value-size} bytes,
 * never read whole into memory.
 */
@Component
public class JsonBodies {
  private final JsonMapper mapper;
  private final long maxBytes;

  public JsonBodies(JsonMapper mapper, SampleProperties properties) {
    this.mapper = mapper;
    this.maxBytes = properties.getMaxValueSize().toBytes();
  }

  /**
   * The body as one JSON value.
   *
   * @throws BadRequestException if the body is empty, larger than the limit or not JSON
   */
  public JsonNode read(HttpServletRequest request) {
    if (request.getContentLengthLong() > maxBytes) {
      throw tooLarge();
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (body.length > maxBytes) {
      throw tooLarge();
    }
    if (body.length == 0) {
      throw new BadRequestException("the request body must be a JSON value, and it is empty");
    }
    try {
      return mapper.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequestException(
          "the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private BadRequestException tooLarge() {
    return new BadRequestException(
        "the request body is larger than the limit of "
            + maxBytes
            + " bytes (sample.max-value-size)");
  }
}
