package dev.raftboot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import tools.jackson.databind.json.JsonMapper;

/** docs/configuration.md documents every property the metadata declares, with its default. */
class ConfigurationDocsTest {

  @Test
  @SuppressWarnings("unchecked")
  void everyPropertyIsDocumentedWithItsDefault() throws Exception {
    Map<String, Object> metadata;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = JsonMapper.builder().build().readValue(in, Map.class);
    }
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
    assertThat(properties).hasSizeGreaterThan(30);
    for (Map<String, Object> p : properties) {
      String name = (String) p.get("name");
      if (!name.startsWith("raft.")) {
        continue;
      }
      String row =
          docs.lines()
              .filter(l -> l.startsWith("| `" + name + "` |"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(name + " is not documented in configuration.md"));
      Object def = p.get("defaultValue");
      if (def != null) {
        assertThat(row).as("default of %s", name).contains("`" + def + "`");
      }
    }
  }

  @Test
  void theFailureAnalyzerIsRegistered() throws Exception {
    List<String> analyzers = new java.util.ArrayList<>();
    var resources = getClass().getClassLoader().getResources("META-INF/spring.factories");
    while (resources.hasMoreElements()) {
      java.util.Properties factories = new java.util.Properties();
      try (InputStream in = resources.nextElement().openStream()) {
        factories.load(in);
      }
      String names = factories.getProperty(FailureAnalyzer.class.getName(), "");
      analyzers.addAll(List.of(names.split(",")));
    }
    assertThat(analyzers).contains(RaftConfigurationFailureAnalyzer.class.getName());
  }
}
