package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupOptionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"", " ", ".", "..", "orders/.", "a/../orders", "-x", "g\uD800", "ünï"})
  void namesThatAreNotPlainDirectoryNamesAreRefused(String name) {
    assertThatThrownBy(() -> GroupOptions.defaults(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GroupOptions.name");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void aByteBudgetBetweenSnapshotsThatIsNotPositiveIsRefused(long bytes) {
    assertThatThrownBy(() -> GroupOptions.defaults("kv").withSnapshotEveryBytes(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GroupOptions.snapshotEveryBytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"kv", "raft-scheduler", "orders.eu_1", "G7"})
  void plainNamesAreTaken(String name) {
    assertThat(new GroupOptions(name, Duration.ofMillis(100), Duration.ofSeconds(5), 10, 1).name())
        .isEqualTo(name);
  }
}
