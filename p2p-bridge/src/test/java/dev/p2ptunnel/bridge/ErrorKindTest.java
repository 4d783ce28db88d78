package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

class ErrorKindTest {

  @Test
  void shouldMapEveryProtocolReasonToTheKindOfTheSameName() {
    for (ProtocolException.Reason reason : ProtocolException.Reason.values()) {
      assertEquals(reason.name(), ErrorKind.of(reason).name());
    }
  }
}
