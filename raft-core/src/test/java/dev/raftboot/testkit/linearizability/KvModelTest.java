package dev.raftboot.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.testkit.linearizability.KvModel.KvState;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvModelTest {

  private final KvModel model = new KvModel();
  private final KvState one = new KvState("1");

  @Test
  void startsAbsent() {
    assertThat(model.init()).isEqualTo(KvState.ABSENT);
  }

  @Test
  void putAndDeleteAlwaysSucceed() {
    assertThat(model.step(one, KvInput.put("x", "2"), KvOutput.ack())).contains(new KvState("2"));
    assertThat(model.step(one, KvInput.delete("x"), KvOutput.ack())).contains(KvState.ABSENT);
  }

  @Test
  void getMustReturnTheCurrentValue() {
    assertThat(model.step(one, KvInput.get("x"), KvOutput.value("1"))).contains(one);
    assertThat(model.step(one, KvInput.get("x"), KvOutput.value("2"))).isEmpty();
    assertThat(model.step(one, KvInput.get("x"), KvOutput.absent())).isEmpty();
    assertThat(model.step(KvState.ABSENT, KvInput.get("x"), KvOutput.absent()))
        .contains(KvState.ABSENT);
  }

  @Test
  void casSucceedsExactlyWhenTheExpectationHolds() {
    KvInput cas = KvInput.cas("x", "1", "2");
    assertThat(model.step(one, cas, KvOutput.cas(true))).contains(new KvState("2"));
    assertThat(model.step(one, cas, KvOutput.cas(false))).isEmpty();
    assertThat(model.step(KvState.ABSENT, cas, KvOutput.cas(false))).contains(KvState.ABSENT);
    assertThat(model.step(KvState.ABSENT, cas, KvOutput.cas(true))).isEmpty();
    assertThat(model.step(KvState.ABSENT, KvInput.cas("x", null, "a"), KvOutput.cas(true)))
        .contains(new KvState("a"));
  }

  @Test
  void ambiguousOperationsTakeTheEffectTheStateDictates() {
    assertThat(model.stepAmbiguous(one, KvInput.put("x", "2"))).contains(new KvState("2"));
    assertThat(model.stepAmbiguous(one, KvInput.delete("x"))).contains(KvState.ABSENT);
    assertThat(model.stepAmbiguous(one, KvInput.get("x"))).contains(one);
    assertThat(model.stepAmbiguous(one, KvInput.cas("x", "1", "2"))).contains(new KvState("2"));
    assertThat(model.stepAmbiguous(one, KvInput.cas("x", "0", "2"))).contains(one);
  }

  @Test
  void partitionsByKeyInKeyOrder() {
    History<KvInput, KvOutput> history =
        new KvHistoryBuilder()
            .put(1, "b", "1", 0, 1)
            .get(1, "a", null, 2, 3)
            .get(2, "b", "1", 2, 3)
            .build();

    List<Partition<KvInput, KvOutput>> partitions = model.partition(history);

    assertThat(partitions).extracting(Partition::key).containsExactly("a", "b");
    assertThat(partitions.get(1).operations())
        .containsExactly(history.operations().get(0), history.operations().get(2));
  }

  @Test
  void describesOperationsAndStates() {
    assertThat(model.describe(KvInput.put("x", "1"), KvOutput.ack())).isEqualTo("put(x, 1)");
    assertThat(model.describe(KvInput.put("x", "1"), null)).isEqualTo("put(x, 1) -> ?");
    assertThat(model.describe(KvInput.delete("x"), KvOutput.ack())).isEqualTo("delete(x)");
    assertThat(model.describe(KvInput.get("x"), KvOutput.value("1"))).isEqualTo("get(x) -> 1");
    assertThat(model.describe(KvInput.get("x"), KvOutput.absent())).isEqualTo("get(x) -> absent");
    assertThat(model.describe(KvInput.get("x"), null)).isEqualTo("get(x) -> ?");
    assertThat(model.describe(KvInput.cas("x", null, "2"), KvOutput.cas(true)))
        .isEqualTo("cas(x, absent, 2) -> ok");
    assertThat(model.describe(KvInput.cas("x", "1", "2"), KvOutput.cas(false)))
        .isEqualTo("cas(x, 1, 2) -> failed");
    assertThat(model.describeState(KvState.ABSENT)).isEqualTo("absent");
    assertThat(model.describeState(one)).isEqualTo("1");
  }

  @Test
  void inputsCarryExactlyTheFieldsTheirKindUses() {
    assertThatThrownBy(() -> new KvInput(KvInput.Kind.PUT, "x", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KvInput(KvInput.Kind.GET, "x", "1", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KvInput(KvInput.Kind.DELETE, "x", null, "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KvInput.cas("x", "1", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KvInput.get(null)).isInstanceOf(NullPointerException.class);
  }
}
