package dev.p2ptunnel.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of p2p-rendezvous names no type of the MQTT client (HiveMQ, Netty, RxJava) and none of our internal
 * package: users read only java.*, javax.* and p2p-webrtc through it, so the MQTT client can change without them.
 */
class ApiSurfaceTest {
  private static final List<Class<?>> API = List.of(MqttSignaling.class, MqttHostSignaling.class,
      RendezvousConfig.class, RendezvousConfig.Builder.class, RendezvousId.class, RendezvousListener.class);

  @Test
  void shouldListEveryPublicTypeOfTheApiPackage() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(MqttSignaling.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).resolve("dev/p2ptunnel/rendezvous");
    List<String> found = new ArrayList<>();
    try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = file.getFileName().toString().replace(".class", "");
        Class<?> type = Class.forName("dev.p2ptunnel.rendezvous." + name);
        if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass()) {
          found.add(type.getName());
        }
      }
    }
    assertEquals(API.stream().map(Class::getName).sorted().toList(), found.stream().sorted().toList());
  }

  /** A type that carries settings and may grow is a final class with a builder: a record's constructor cannot grow. */
  @Test
  void shouldHaveNoPublicRecordOfMoreThanThreeComponents() {
    List<String> wide = new ArrayList<>();
    for (Class<?> type : API) {
      if (type.isRecord() && type.getRecordComponents().length > 3) {
        wide.add(type.getName() + " has " + type.getRecordComponents().length + " components (expected: <= 3)");
      }
    }
    assertEquals(List.of(), wide);
  }

  @Test
  void shouldNameOnlyJdkAndOurOwnExportedTypes() {
    List<String> problems = new ArrayList<>();
    for (Class<?> type : API) {
      problems.addAll(check(type));
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void shouldReportAnMqttClientTypeInAPublicSignature() {
    assertEquals(List.of(Leaky.class.getName() + ".client(): com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient"),
        check(Leaky.class));
  }

  /** A signature that must be reported (the check's own test). */
  public interface Leaky {
    Mqtt5AsyncClient client();

    /** JDK types, also as arguments and bounds, are fine. */
    default List<? extends Comparable<String>> fine() {
      return List.of();
    }
  }

  private static List<String> check(Class<?> type) {
    List<String> problems = new ArrayList<>();
    List<Executable> members = new ArrayList<>(List.of(type.getDeclaredConstructors()));
    members.addAll(List.of(type.getDeclaredMethods()));
    for (Executable member : members) {
      if (!visible(member.getModifiers()) || member.isSynthetic()) {
        continue;
      }
      String where = type.getName() + "." + (member instanceof Method ? member.getName() : "<init>") + "()";
      List<Type> types = new ArrayList<>(List.of(member.getGenericParameterTypes()));
      types.addAll(List.of(member.getGenericExceptionTypes()));
      if (member instanceof Method method) {
        types.add(method.getGenericReturnType());
      }
      for (Type t : types) {
        foreign(t, where, problems);
      }
    }
    for (Field field : type.getDeclaredFields()) {
      if (visible(field.getModifiers())) {
        foreign(field.getGenericType(), type.getName() + "." + field.getName(), problems);
      }
    }
    return problems;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void foreign(Type type, String where, List<String> problems) {
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String name = c.getName();
      boolean fine = c.isPrimitive() || name.startsWith("java.") || name.startsWith("javax.")
          || (name.startsWith("dev.p2ptunnel.") && !name.contains(".internal."));
      if (!fine) {
        problems.add(where + ": " + name);
      }
    } else if (type instanceof ParameterizedType p) {
      foreign(p.getRawType(), where, problems);
      for (Type argument : p.getActualTypeArguments()) {
        foreign(argument, where, problems);
      }
    } else if (type instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(b -> foreign(b, where,
          problems));
    } else if (type instanceof GenericArrayType g) {
      foreign(g.getGenericComponentType(), where, problems);
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        foreign(bound, where, problems);
      }
    }
  }
}
